"""Text as people type it: the toolkit's one accent-folding rule."""

import unicodedata


def fold(text):
    """Lower-case text without Vietnamese tone and letter marks, spaces collapsed:
    "Chữ ký số" → "chu ky so", "Đăng ký" → "dang ky".

    Officers often type without accents on phones, and spreadsheet headers arrive with or
    without them: search, typed answers and import headers compare folded text. "đ" is a
    letter of its own, not "d" with a mark (Unicode does not decompose it), so it is replaced.
    """
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())
