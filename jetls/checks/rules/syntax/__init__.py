"""JET0xx: TOML syntax and semantics, and the checker's own notes."""
