"""JET40x: Jinja and `str.format` templates in string values, as the reference renders them
(`jetls.templates` finds the problems)."""
