"""toml-test's tagged JSON form <-> Python values (the decoding tomllib gives)."""

from __future__ import annotations

import math
from datetime import date, datetime, time

from jetls.syntax.parser import _DATETIME, _LOCALTIME


def untag(obj):
    """Turn toml-test's tagged JSON into the Python values tomllib would produce."""
    if isinstance(obj, list):
        return [untag(v) for v in obj]
    if isinstance(obj, dict) and set(obj) == {"type", "value"} and isinstance(obj["value"], str):
        kind, value = obj["type"], obj["value"]
        if kind == "string":
            return value
        if kind == "integer":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "bool":
            return value == "true"
        if kind in ("datetime", "datetime-local", "date-local"):
            m = _DATETIME.fullmatch(value)
            assert m, value
            y, mo, d, hh, mi, ss, frac, zulu, sign, oh, om = m.groups()
            if hh is None:
                return date(int(y), int(mo), int(d))
            from jetls.syntax.parser import _tz
            from datetime import timezone

            tz = _tz(sign, oh, om) if sign else (timezone.utc if zulu else None)
            micros = int(frac[:6].ljust(6, "0")) if frac else 0
            return datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss), micros, tzinfo=tz)
        if kind == "time-local":
            m = _LOCALTIME.fullmatch(value)
            hh, mm, ss, frac = m.groups()
            return time(int(hh), int(mm), int(ss), int(frac[:6].ljust(6, "0")) if frac else 0)
        raise AssertionError(f"unknown tag {kind}")
    if isinstance(obj, dict):
        return {k: untag(v) for k, v in obj.items()}
    raise AssertionError(f"unexpected {obj!r}")


def same(a, b) -> bool:
    """Equality where NaN equals NaN and types must match (1 != 1.0, True != 1)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, datetime):
        return a == b and a.utcoffset() == b.utcoffset()
    return a == b
