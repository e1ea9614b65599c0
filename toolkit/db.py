def chunked(values, size=900):
    """Lists of at most `size` values, for `__in` lookups: SQLite limits query parameters."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]
