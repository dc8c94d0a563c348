"""The points of the traversal where rules run: a rule module's `on_<hook>(ctx, ...)` function
is called at each one (`jetls.checks.engine` fires them; `jetls.checks.registry` collects them).

Each hook names the arguments its functions receive after the `Context`.
"""

from __future__ import annotations

#: hook -> what fires it and what its functions receive
HOOKS: dict[str, str] = {
    "toml": "every file, analysed or plain TOML, once: (ctx)",
    "too_large": "a file too large for the full analysis, instead of every other hook: (ctx, limit)",
    "file": "every analysed file (a metric-hub kind), once: (ctx)",
}
