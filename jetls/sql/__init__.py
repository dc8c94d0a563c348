"""BigQuery SQL as BigQuery reads it: syntax, built-in functions, Mozilla routines.

A leaf of the analysis core (it imports nothing of jetls but `jetls.diagnostics`): the checks
run it on rendered SQL and map its offsets back to the TOML string; the editor features use its
function catalog.
"""

from .check import KINDS, check_sql, clear_caches
from .syntax import unclosed_paren

__all__ = ["KINDS", "check_sql", "clear_caches", "unclosed_paren"]
