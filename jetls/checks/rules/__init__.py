"""One module per diagnostic code, in family folders (see `jetls.checks.registry`)."""
