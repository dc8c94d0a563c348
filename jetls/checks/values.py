"""The TOML type of a value as the schema names it, and how messages name types."""

from __future__ import annotations

from jetls.syntax import Array, InlineTable, Scalar, String

_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "float": "a float",
    "boolean": "a boolean",
    "date": "a date",
    "array": "an array",
    "table": "a table",
    "datetime": "a date-time",
    "time": "a time",
    "any": "any value",
}


def toml_type(v) -> str:
    if isinstance(v, String):
        return "string"
    if isinstance(v, Scalar):
        k = v.kind
        if k == "local-date":
            return "date"
        if k in ("offset-datetime", "local-datetime"):
            return "datetime"
        if k == "local-time":
            return "time"
        return k  # integer | float | boolean
    if isinstance(v, Array):
        return "array"
    if isinstance(v, InlineTable):
        return "table"
    return "invalid"


def describe_types(types) -> str:
    names = [_TYPE_NAMES.get(t, t) for t in types if t != "any"]
    if not names:
        return "any value"
    return " or ".join(names)


def type_name(t: str, unknown: str | None = None) -> str:
    """`integer` -> `an integer` (an unknown type: `unknown`, else itself)."""
    return _TYPE_NAMES.get(t, t if unknown is None else unknown)
