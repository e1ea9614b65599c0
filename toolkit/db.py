"""Small database helpers, for any app."""


def chunked(values, size=900):
    """Lists of at most `size` values, for `__in` lookups: SQLite limits query parameters."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def first_of(queryset):
    """The one row `queryset` matches, or None: like .first() without its ordering by pk, for
    the short queries of the most requested pages (Django builds and compiles each anew, and
    that, not the database, is most of their time)."""
    return next(iter(queryset.order_by()[:1]), None)
