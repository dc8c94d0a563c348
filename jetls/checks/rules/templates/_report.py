"""How the problems the template and SQL libraries find in a string are reported: at their place
in the file; in a metric no window uses (the reference never renders it), errors are warnings."""

_UNRENDERED = " (this metric is in no window, so the reference never renders it)"


def report_problem(ctx, s, p) -> None:
    """Report `p` (a `jetls.diagnostics.Problem` of the string `s`, a `hooks.StringValue`)."""
    lowered = s.downgrade and p.severity == "error"
    ctx.emit(
        p.code,
        s.span(p.start, p.end),
        p.message + (_UNRENDERED if lowered else ""),
        severity="warning" if lowered else p.severity,
        data=p.data,
    )
