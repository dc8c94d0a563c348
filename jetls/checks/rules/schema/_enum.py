"""The message of a value that is not one of its key's allowed values (JET108, JET304, JET307)."""

from jetls.checks.suggest import did_you_mean, suggest


def off_enum(s) -> tuple[str, str | None]:
    """(message, suggestion) for the string `s` (a `hooks.StringAt`) off its key's enum."""
    f, val = s.field, s.value
    best = suggest(val, f.enum)
    allowed = ", ".join(f"`{x}`" for x in f.enum)
    if f.name in ("window_start", "window_end") and "integer" in f.types:
        return (
            f"`{val}` is not a valid exposure window: use an integer number of days or one of {allowed}"
            f'{did_you_mean(best)} (the reference fails with "invalid literal for int()")'
        ), best
    return f"`{val}` is not a valid `{f.name}`{did_you_mean(best)} Allowed: {allowed}", best
