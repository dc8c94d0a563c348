"""Server-side template injection, end to end through `check_file` (tests/checks/test_templates.py
covers `render` itself).

Every payload is placed in EVERY templated field of an experiment config (metric
select_expression, segment select_expression, segment data source from_expression, data source
from_expression referring to `experiment`, [experiment] enrollment_query) in a fixture workspace.
The checks run in a fresh process so that time and peak RSS are the payloads' own. Asserted:
nothing executes (payloads that would create /tmp/jetls-pwned-<uuid>-* or a file in the
workspace through os.popen / open / __import__ create nothing), a JET408 diagnostic inside each
field explains the refusal, time is bounded (hang guard) and memory is bounded (RSS growth).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from robust_helpers import write_fixture_workspace

TAG = f"jetls-pwned-{uuid.uuid4().hex}"


def _pwn(n: int) -> str:
    return f"/tmp/{TAG}-{n}"


# (name, payload); {PWN} is replaced by a path the payload would create if it ran
PAYLOADS = [
    ("mro-subclasses", "{{ ''.__class__.__mro__[1].__subclasses__() }}"),
    ("cycler-popen", "{{ cycler.__init__.__globals__.os.popen('touch {PWN}').read() }}"),
    ("template-reference-context", "{{ self._TemplateReference__context }}"),
    ("self-globals-open", "{{ self.__init__.__globals__.__builtins__.open('{PWN}', 'w').write('x') }}"),
    ("lipsum-os-system", "{{ lipsum.__globals__['os'].system('touch {PWN}') }}"),
    ("namespace-popen", "{{ namespace.__init__.__globals__.os.popen('touch {PWN}').read() }}"),
    ("subscript-class", "{{ ''['__cla' ~ 'ss__'].__mro__[1]['__subcla' ~ 'sses__']() }}"),
    ("attr-filter", "{{ ()|attr('__class__')|attr('__base__')|attr('__subclasses__') }}"),
    ("catch-warnings-import",
     "{% for c in [].__class__.__base__.__subclasses__() %}{% if c.__name__ == 'catch_warnings' %}"
     "{{ c()._module.__builtins__['__import__']('os').popen('touch {PWN}').read() }}{% endif %}{% endfor %}"),
    ("experiment-stub-globals", "{{ experiment.__class__.__init__.__globals__['__builtins__']['open']('{PWN}', 'w') }}"),
    ("function-globals", "{{ agg_sum.__call__.__globals__ }}"),
    ("experiment-dict", "{{ experiment.__dict__ }}"),
    ("format-attribute", "{{ '{0.__class__.__mro__}'.format('') }}"),
    ("range-1e9", "{% for x in range(10**9) %}{{ x }}{% endfor %}"),
    ("nested-loops", "{% for x in range(100000) %}{% for y in range(100000) %}{{ y }}{% endfor %}{% endfor %}"),
    ("deep-expression", "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}"),
    ("deep-lists", "{{ " + "[" * 500 + "]" * 500 + " }}"),
    ("string-times-1e9", "{{ 'a' * 10**9 }}"),
    ("pow-tower", "{{ 10**10**10 }}"),
    ("percent-width", "{{ '%999999999s' % 'x' }}"),
    ("recursive-macro", "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}"),
]

# The fields; `data_source_from` is rendered only when it refers to `experiment`.
CONFIG = """\
[experiment]
enrollment_period = 7
enrollment_query = '''{enrollment} '''

[metrics]
weekly = ["m"]

[metrics.m]
select_expression = '''{metric} '''
data_source = "d"

[metrics.m.statistics.bootstrap_mean]

[data_sources.d]
from_expression = '''{{{{ experiment.normandy_slug }}}} {data_source} '''

[segments.s]
select_expression = '''{segment} '''
data_source = "sd"

[segments.data_sources.sd]
from_expression = '''{segment_data_source} '''
"""
FIELDS = ("enrollment", "metric", "data_source", "segment", "segment_data_source")

RUNNER = textwrap.dedent(
    """
    import json, resource, sys, time
    from jetls.checks import check_file
    from jetls.options import Options
    from jetls.workspace import Workspace

    root, names = sys.argv[1], json.loads(sys.argv[2])
    ws = Workspace.load(root, Options())
    ws.index
    check_file(ws, f"{root}/jetstream/my-experiment.toml")  # warm up: imports, caches
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = {}
    for name in names:
        path = f"{root}/jetstream/payload-{name}.toml"
        t = time.perf_counter()
        diags = check_file(ws, path).diagnostics
        out[name] = {
            "seconds": time.perf_counter() - t,
            "rss_growth_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base,
            "diagnostics": [(d.code, d.start, d.end, d.message) for d in diags],
        }
    print(json.dumps(out))
    """
)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = write_fixture_workspace(tmp_path_factory.mktemp("sandbox") / "metric-hub")
    spans = {}
    for i, (name, payload) in enumerate(PAYLOADS):
        payload = payload.replace("{PWN}", _pwn(i))
        text = CONFIG.format(**{f: payload for f in FIELDS})
        (root / "jetstream" / f"payload-{name}.toml").write_text(text)
        spans[name] = _field_spans(text, payload)
    before = set(root.rglob("*"))
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(root), json.dumps([n for n, _ in PAYLOADS])],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout), spans, root, before


def _field_spans(text: str, payload: str) -> list[tuple[int, int]]:
    """(start, end) of the string content of each of the five fields, in file order."""
    out, i = [], 0
    while True:
        i = text.find(payload, i)
        if i < 0:
            return out
        start = text.rfind("'''", 0, i) + 3
        end = text.find("'''", i)
        out.append((start, end))
        i = end


@pytest.mark.parametrize("name", [n for n, _ in PAYLOADS])
def test_payload_is_refused_in_every_field_with_a_clear_diagnostic(results, name):
    res, spans, _root, _before = results
    r = res[name]
    field_spans = spans[name]
    assert len(field_spans) == len(FIELDS)
    refusals = [d for d in r["diagnostics"] if d[0] == "JET408"]
    for s, e in field_spans:
        inside = [d for d in refusals if s <= d[1] <= d[2] <= e]
        assert inside, (name, (s, e), r["diagnostics"])
        for _code, _s, _e, message in inside:
            assert message.startswith("template refused"), message
    assert r["seconds"] < 10, "hang guard"  # five fields, each under the 0.5 s render budget
    assert r["rss_growth_kb"] < 300 * 1024, r["rss_growth_kb"]


def test_nothing_executed(results):
    _res, _spans, root, before = results
    assert not list(Path("/tmp").glob(f"{TAG}-*"))
    assert set(root.rglob("*")) == before


def test_total_time_and_memory_are_bounded(results):
    res, *_ = results
    assert sum(r["seconds"] for r in res.values()) < 60
    assert max(r["rss_growth_kb"] for r in res.values()) < 300 * 1024


def test_refusal_messages_say_why(results):
    res, *_ = results
    by = {name: " ".join(d[3] for d in r["diagnostics"] if d[0] == "JET408") for name, r in res.items()}
    assert "sandbox" in by["mro-subclasses"] or "unsafe" in by["mro-subclasses"], by["mro-subclasses"]
    assert "1000000000 exceeds 100,000" in by["range-1e9"], by["range-1e9"]
    assert "longer than 0.5 s" in by["nested-loops"] or "operations" in by["nested-loops"], by["nested-loops"]
    assert "nested" in by["deep-expression"], by["deep-expression"]


FORMAT_PAYLOADS = ["{dataset.__class__.__init__.__globals__}", "{0.__class__}", "{dataset[__class__]}", "{dataset:>999999999}"]


@pytest.mark.parametrize("payload", FORMAT_PAYLOADS)
def test_str_format_stage_payloads_are_refused(tmp_path, payload):
    """The second stage of from_expression rendering (`str.format(dataset=...)`) and functions.toml
    definitions (`str.format(select_expr=...)`): attribute / index / format-spec placeholders are
    never formatted; a JET406 diagnostic explains why."""
    from jetls.checks import check_file
    from jetls.workspace import Workspace

    root = write_fixture_workspace(tmp_path / "metric-hub")
    exp = root / "jetstream" / "format-payload.toml"
    exp.write_text(CONFIG.format(enrollment="SELECT 1", metric="SUM(1)", data_source=payload, segment="TRUE",
                                 segment_data_source=payload))
    fn = root / "definitions" / "functions.toml"
    fn.write_text(fn.read_text() + f"\n[functions.evil]\ndefinition = '''{payload.replace('dataset', 'select_expr')} '''\n")
    ws = Workspace.load(root)
    diags = check_file(ws, str(exp)).diagnostics
    text = exp.read_text()
    spans = _field_spans(text, payload)
    assert len(spans) == 2
    for s, e in spans:  # data source and segment data source from_expression
        assert any(d.code == "JET406" and s <= d.start <= d.end <= e for d in diags), (payload, [(d.code, d.message) for d in diags])
    fdiags = check_file(ws, str(fn)).diagnostics
    assert any(d.code == "JET406" for d in fdiags), [(d.code, d.message) for d in fdiags]
    assert not list(Path("/tmp").glob(f"{TAG}-*"))
