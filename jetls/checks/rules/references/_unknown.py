"""The message of a slug that resolves nowhere (JET201, JET205, JET206, JET207, JET216)."""

from jetls.checks.suggest import did_you_mean
from jetls.workspace import KIND_LABELS
from jetls.workspace.scope import UNATTACHED

_SECTIONS = {
    "metric": ("metrics",),
    "data_source": ("data_sources",),
    "segment": ("segments",),
    "segment_data_source": ("segments", "data_sources"),
    "dimension": ("dimensions",),
}


def report_unresolved(ctx, code: str, ref, text: str) -> None:
    """Emit `code` for the `hooks.Ref` when it resolves nowhere; `text`: what then fails. A slug
    that only outcomes the experiment does not attach define is a note: Experimenter may attach
    one (as for metrics, JET202)."""
    if ctx.resolve_simple(ref.kind, ref.slug) is not None:
        return
    res = ctx.scope.resolve(ref.kind, ref.slug)
    if res.status == UNATTACHED:
        report_unattached(ctx, code, ref.span, res, f"; else {text}")
        return
    s = ctx.suggest_slug(ref.kind, ref.slug, _SECTIONS.get(ref.kind))
    ctx.emit(
        code,
        ref.span,
        f"unknown {KIND_LABELS[ref.kind]} `{ref.slug}` {ctx.platform_phrase()}: {text}"
        f"{ctx.elsewhere(ref.kind, ref.slug)}{did_you_mean(s)}{ref.note}",
        data={"replacement": s} if s else None,
        severity=ref.severity,
    )


def report_unattached(ctx, code: str, span: tuple[int, int], res, tail: str = "") -> None:
    """A note for a slug of an experiment config that only outcomes it does not attach define
    (`Resolution.unattached`): it resolves only if Experimenter attaches one."""
    names = sorted({ctx.ws.file(d.path).stem for d in res.unattached if ctx.ws.file(d.path)})
    ctx.emit(
        code,
        span,
        f"{KIND_LABELS[res.kind]} `{res.slug}` is only defined by the outcome "
        f"{', '.join(f'`{n}`' for n in names)} on `{ctx.platform}`: it resolves only if Experimenter attaches "
        f"outcome {names[0]} (or add it to `[experiment].outcomes`){tail}",
        related=[ctx.rel(d, f"defined in outcome {ctx.ws.file(d.path).stem}") for d in res.unattached[:3]],
        data={"outcomes": names},
        severity="information",
    )
