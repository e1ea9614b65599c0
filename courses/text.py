import unicodedata


def fold(text):
    """Lower-case text without Vietnamese tone and letter marks: "Chữ ký số" → "chu ky so".

    Officers often type without accents on phones; search compares folded text.
    """
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())
