"""JET5xx: rules across fields and files that the reference parsers or the analysis run enforce."""
