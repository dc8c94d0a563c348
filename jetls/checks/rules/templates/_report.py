"""How the problems the template and SQL libraries find in a string are reported: at their place
in the file; in a string the reference never renders (a metric no window uses, a data source
nothing uses), errors are warnings."""


def report_problem(ctx, s, p) -> None:
    """Report `p` (a `jetls.diagnostics.Problem` of the string `s`, a `hooks.StringValue`)."""
    lowered = bool(s.unrendered) and p.severity == "error"
    ctx.emit(
        p.code,
        s.span(p.start, p.end),
        p.message + (s.unrendered if lowered else ""),
        severity="warning" if lowered else p.severity,
        data=p.data,
    )
