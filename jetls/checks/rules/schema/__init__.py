"""JET1xx: keys, types and values, as the schema (`jetls.schema`) and the reference parser see them."""
