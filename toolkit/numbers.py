"""Whole numbers read from query strings and forms."""

# Page numbers, positions and ids of the platform stay far below this; anything longer is no
# number a link or form of ours sent.
MAX_DIGITS = 12


def whole_number(value, default=None):
    """The non-negative whole number `value` spells in ASCII digits, else `default`.

    `str.isdigit()` alone is not enough: it says yes to "²" and "①", which `int()` refuses.
    """
    value = str(value if value is not None else "").strip()
    if value.isascii() and value.isdigit() and len(value) <= MAX_DIGITS:
        return int(value)
    return default
