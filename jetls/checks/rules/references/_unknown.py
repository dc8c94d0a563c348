"""The message of a slug that resolves nowhere (JET201, JET205, JET206, JET207, JET216)."""

from jetls.checks.suggest import did_you_mean
from jetls.workspace import KIND_LABELS

_SECTIONS = {
    "metric": ("metrics",),
    "data_source": ("data_sources",),
    "segment": ("segments",),
    "segment_data_source": ("segments", "data_sources"),
    "dimension": ("dimensions",),
}


def report_unresolved(ctx, code: str, ref, text: str) -> None:
    """Emit `code` for the `hooks.Ref` when it resolves nowhere; `text`: what then fails."""
    if ctx.resolve_simple(ref.kind, ref.slug) is not None:
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
