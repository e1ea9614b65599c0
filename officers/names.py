"""Vietnamese personal names: order of parts and the alphabetical sort key.

A Vietnamese name is written family name first and given name last (Nguyễn Thị Minh Khai),
but lists are sorted by given name, then middle names, then family name. Letters follow the
Vietnamese alphabet (a ă â b c d đ e ê … o ô ơ … u ư …), and tone marks only break ties.
The key is made of characters whose order is the same under any database collation
(lower-case ASCII letters and digits, no spaces), so the database can sort by it.
"""

import unicodedata

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Tone marks in their dictionary order: none, grave, hook, tilde, acute, dot below.
TONES = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a distinct letter rather than a tone.
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn
# Officer.sort_key holds 400 characters. The letters of a name of up to 150 characters (two
# characters a letter, plus separators) always fit; only tone marks of very long names are cut.
MAX_KEY_LENGTH = 400


def split_name(full_name):
    """(family, middle, given) from a full name written the Vietnamese way."""
    words = full_name.split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def _letter_and_tone(char):
    decomposed = unicodedata.normalize("NFD", char.lower())
    base = decomposed[0]
    tone = ""
    for mark in decomposed[1:]:
        if mark in LETTER_MARKS:
            base += mark
        elif mark in TONES:
            tone = mark
    base = unicodedata.normalize("NFC", base)
    if base == "đ" or char.lower() == "đ":
        base = "đ"
    return base, TONES[tone]


def _primary(word):
    """Two lower-case letters a letter, by its place in the Vietnamese alphabet."""
    key = []
    for char in word:
        letter, _tone = _letter_and_tone(char)
        position = ALPHABET.find(letter)
        if position < 0:
            key.append("zz")  # digits and foreign letters after every Vietnamese letter
        else:
            key.append(chr(ord("a") + position // 26) + chr(ord("a") + position % 26))
    return "".join(key)


def sort_key(full_name):
    """Key that sorts names by given name, middle names, family name, then tone marks.

    Parts end with "0" and middle words with "1"; both sort before any letter, so "An" comes
    before "Anh", and a name without a middle name before one with.
    """
    family, middle, given = split_name(unicodedata.normalize("NFC", full_name.strip()))
    middle_words = middle.split()
    primary = (
        _primary(given)
        + "0"
        + "1".join(_primary(w) for w in middle_words)
        + "0"
        + _primary(family)
        + "0"
    )
    tones = "".join(str(_letter_and_tone(c)[1]) for w in [given, *middle_words, family] for c in w)
    return (primary + tones)[:MAX_KEY_LENGTH]
