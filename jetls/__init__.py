"""jetls: a language server and checker for Jetstream / metric-hub TOML configs."""

__version__ = "0.1.0"
