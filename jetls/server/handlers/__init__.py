"""LSP method wiring: each module registers its methods once on a JetlsServer."""

from __future__ import annotations

from jetls.server.handlers import commands, diagnostics, editing, language, lifecycle, sync


def register_all(server) -> None:
    for module in (lifecycle, sync, diagnostics, language, editing, commands):
        module.register(server)
