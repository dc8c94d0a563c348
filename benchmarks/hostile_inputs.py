"""Time and peak memory of jetls' analysis on hostile inputs, each in a fresh process.

    python benchmarks/hostile_inputs.py

For each input: the full pipeline a keystroke runs (parse, document model, and the file's
checks when the input is placed in a workspace) and the peak RSS of that process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from _common import corpus_root

CASES = {
    "10 MB file": "text = BIG * 100",
    "100 000 tables": "text = ''.join(f'[metrics.m{i}]\\ndata_source = \"main\"\\n' for i in range(100_000))",
    "10 000-deep arrays": "text = 'a = ' + '[' * 10_000 + ']' * 10_000 + '\\n'",
    "10 000-deep inline tables": "text = 'a = ' + '{b = ' * 10_000 + '1' + '}' * 10_000 + '\\n'",
    "1 MB single line": "text = 'a = \"' + 'x' * 1_000_000 + '\"\\n'",
    "binary file (1 MB random bytes)": "text, _ = decode(os.urandom(1_000_000))",
    "template: range(10**9) loop": "text = '[metrics.m]\\nselect_expression = \"{% for x in range(10**9) %}{{ x }}{% endfor %}\"\\ndata_source = \"main\"\\n'",
    "template: huge string multiplication": "text = '[metrics.m]\\nselect_expression = \"{{ \\'a\\' * 10**9 }}\"\\ndata_source = \"main\"\\n'",
    "template: __subclasses__ escape": "text = '[metrics.m]\\nselect_expression = \"{{ \\'\\'.__class__.__mro__[1].__subclasses__() }}\"\\ndata_source = \"main\"\\n'",
}

RUNNER = textwrap.dedent(
    """
    import json, os, resource, sys, tempfile, time
    from pathlib import Path
    from jetls.syntax import decode, parse
    from jetls.document import build
    BIG = Path(sys.argv[1]).read_text() if len(sys.argv) > 1 and Path(sys.argv[1]).exists() else 'a = 1\\n' * 20000
    {setup}
    t = time.perf_counter()
    doc = build(parse(text))
    n = len(doc.syntax_diagnostics())
    try:
        from jetls.checks import check_file
        from jetls.options import Options
        from jetls.workspace import Workspace
        root = Path(tempfile.mkdtemp())
        (root / 'jetstream').mkdir()
        path = root / 'jetstream' / 'hostile.toml'
        path.write_text(text, errors='replace')
        ws = Workspace.load(root, Options())
        n = len(check_file(ws, str(path), Options()).diagnostics)
        stage = 'full check'
    except ImportError:
        stage = 'parse + model'
    elapsed = time.perf_counter() - t
    print(json.dumps({{"seconds": elapsed, "diagnostics": n, "stage": stage,
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
    """
)


def main() -> int:
    big = corpus_root() / "metric-hub" / "definitions" / "firefox_desktop.toml"
    print(f"{'input':36} {'stage':14} {'time':>9} {'peak RSS':>9} {'diagnostics':>12}")
    for name, setup in CASES.items():
        code = RUNNER.format(setup=setup)
        proc = subprocess.run([sys.executable, "-c", code, str(big)], capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            print(f"{name:36} FAILED: {proc.stderr.strip().splitlines()[-1] if proc.stderr else proc.returncode}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"{name:36} {r['stage']:14} {r['seconds'] * 1000:7.0f}ms {r['rss_mb']:7.0f}MB {r['diagnostics']:12d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
