"""Vietnamese names: given name first in lists, Vietnamese letters, tone marks as tie-breaks."""

import random
import re
import unicodedata

import pytest

from officers.models import Officer
from officers.names import sort_key, split_name
from tests.factories import OfficerFactory


def in_order(*names):
    """The names shuffled, then sorted by sort_key."""
    shuffled = list(names)
    random.Random(2025).shuffle(shuffled)
    return sorted(shuffled, key=sort_key)


# --- split_name --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full_name", "parts"),
    [
        ("Nguyễn Thị Minh Khai", ("Nguyễn", "Thị Minh", "Khai")),
        ("Lò Văn Ánh", ("Lò", "Văn", "Ánh")),
        ("Nguyễn An", ("Nguyễn", "", "An")),
        ("Khai", ("", "", "Khai")),
        ("  Quàng   Thị  Ơn ", ("Quàng", "Thị", "Ơn")),
        ("", ("", "", "")),
        ("   ", ("", "", "")),
    ],
)
def test_split_name_gives_family_middle_and_given_name(full_name, parts):
    assert split_name(full_name) == parts


def test_an_officer_has_the_family_name_first_and_the_given_name_last(dien_bien):
    officer = OfficerFactory(full_name="Vừ A Dính")
    assert (officer.family_name, officer.given_name) == ("Vừ", "Dính")


# --- The order of parts ------------------------------------------------------------------------


def test_names_sort_by_given_name_first_not_by_family_name():
    assert in_order("Trần Văn An", "Lê Văn Bình", "Nguyễn Văn Cường") == [
        "Trần Văn An",
        "Lê Văn Bình",
        "Nguyễn Văn Cường",
    ]


def test_the_same_given_name_sorts_by_middle_name_before_family_name():
    assert in_order("Lê Văn An", "Trần Thị An", "Nguyễn Văn An") == [
        "Trần Thị An",
        "Lê Văn An",
        "Nguyễn Văn An",
    ]


def test_the_same_given_and_middle_name_sorts_by_family_name():
    assert in_order("Trần Văn An", "Lê Văn An", "Đỗ Văn An", "Nguyễn Văn An") == [
        "Đỗ Văn An",
        "Lê Văn An",
        "Nguyễn Văn An",
        "Trần Văn An",
    ]


def test_a_name_without_a_middle_name_comes_before_the_same_names_with_one():
    assert in_order("Nguyễn Văn An", "Nguyễn An", "Nguyễn Thị An") == [
        "Nguyễn An",
        "Nguyễn Thị An",
        "Nguyễn Văn An",
    ]
    # …even when its family name comes later in the alphabet.
    assert in_order("Nguyễn Văn An", "Trần An") == ["Trần An", "Nguyễn Văn An"]


def test_a_shorter_middle_name_comes_before_a_longer_one_that_starts_the_same():
    assert in_order("Lò Thị Lan Anh", "Lò Thị Anh", "Lò Thị Lan Chi Anh") == [
        "Lò Thị Anh",
        "Lò Thị Lan Anh",
        "Lò Thị Lan Chi Anh",
    ]


def test_an_comes_before_anh_and_anh_before_ba():
    assert in_order("Nguyễn Văn Anh", "Nguyễn Văn Ba", "Nguyễn Văn An") == [
        "Nguyễn Văn An",
        "Nguyễn Văn Anh",
        "Nguyễn Văn Ba",
    ]
    # A tone mark on the shorter name does not push it after the longer one.
    assert in_order("Nguyễn Văn Anh", "Nguyễn Văn Án") == ["Nguyễn Văn Án", "Nguyễn Văn Anh"]


def test_a_one_word_name_is_a_given_name():
    assert in_order("Lò Văn Bình", "An", "Khai") == ["An", "Lò Văn Bình", "Khai"]


# --- Vietnamese letters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expected",
    [
        # a < ă < â < b
        ["Lò Văn An", "Lò Văn Ăn", "Lò Văn Ân", "Lò Văn Bân"],
        # d < đ < e
        ["Lò Văn Dũng", "Lò Văn Đông", "Lò Văn Em"],
        # e < ê < g
        ["Lò Văn Em", "Lò Văn Ên", "Lò Văn Giang"],
        # o < ô < ơ < p
        ["Lò Văn Oanh", "Lò Văn Ổn", "Lò Văn Ơn", "Lò Văn Phúc"],
        # u < ư < v
        ["Lò Văn Uyên", "Lò Văn Ước", "Lò Văn Vinh"],
    ],
    ids=["a-ă-â-b", "d-đ-e", "e-ê-g", "o-ô-ơ-p", "u-ư-v"],
)
def test_letters_follow_the_vietnamese_alphabet(expected):
    assert in_order(*expected) == expected
    # Plain code-point order gets each of these wrong.
    assert sorted(expected) != expected


def test_a_letter_with_a_tone_mark_is_still_the_same_letter():
    # Á is a with a tone, Ă is another letter: á < ă whatever the tones.
    assert in_order("Lò Văn Ăn", "Lò Văn Án", "Lò Văn Ạn") == [
        "Lò Văn Án",
        "Lò Văn Ạn",
        "Lò Văn Ăn",
    ]
    assert in_order("Lò Văn Ơn", "Lò Văn Ốn", "Lò Văn Ọn") == [
        "Lò Văn Ọn",
        "Lò Văn Ốn",
        "Lò Văn Ơn",
    ]


# --- Tone marks --------------------------------------------------------------------------------


def test_tone_marks_break_ties_none_grave_hook_tilde_acute_dot_below():
    expected = [
        "Lò Văn Anh",
        "Lò Văn Ành",
        "Lò Văn Ảnh",
        "Lò Văn Ãnh",
        "Lò Văn Ánh",
        "Lò Văn Ạnh",
    ]
    assert in_order(*expected) == expected


def test_tone_marks_only_break_ties_and_never_beat_the_middle_name():
    # Ảnh with “Thị” comes before Anh with “Văn”: the middle name decides, not the tone.
    assert in_order("Lò Văn Anh", "Nguyễn Thị Ảnh") == ["Nguyễn Thị Ảnh", "Lò Văn Anh"]
    assert in_order("Lò Văn Ánh", "Lò Văn Anh", "Lò Văn Ân") == [
        "Lò Văn Anh",
        "Lò Văn Ánh",
        "Lò Văn Ân",
    ]


def test_names_differing_only_in_tones_are_different_keys():
    assert sort_key("Lê Văn An") != sort_key("Lễ Văn An")
    assert sort_key("Lê Văn An") != sort_key("Lê Văn Án")


# --- Case, spacing and Unicode forms -----------------------------------------------------------


def test_case_does_not_change_the_key():
    assert sort_key("ĐỖ MINH ĐỨC") == sort_key("đỗ minh đức") == sort_key("Đỗ Minh Đức")
    assert sort_key("QUÀNG THỊ ƠN") == sort_key("Quàng Thị Ơn")
    assert in_order("nguyễn văn Bình", "TRẦN VĂN AN") == ["TRẦN VĂN AN", "nguyễn văn Bình"]


def test_decomposed_unicode_and_extra_spaces_do_not_change_the_key():
    name = "Nguyễn Thị Ảnh"
    decomposed = unicodedata.normalize("NFD", name)
    assert decomposed != name
    assert sort_key(decomposed) == sort_key(name)
    assert sort_key("  Nguyễn   Thị  Ảnh ") == sort_key(name)


def test_the_key_is_lower_case_ascii_letters_and_digits_only():
    for name in ("Nguyễn Thị Minh Khai", "ĐỖ MINH ĐỨC", "Vừ A Dính", "H'Hen Niê", "Lò Văn 2"):
        assert re.fullmatch(r"[a-z0-9]+", sort_key(name)), name


def test_the_key_of_the_longest_allowed_name_fits_the_database_column():
    max_name = Officer._meta.get_field("full_name").max_length
    max_key = Officer._meta.get_field("sort_key").max_length
    longest = " ".join(["Nguyễn"] * 21)[:max_name]
    one_word = "Ư" * max_name
    assert len(sort_key(longest)) <= max_key
    assert len(sort_key(one_word)) <= max_key
    # Names that long still sort by their letters first.
    assert sort_key("A" * max_name) < sort_key("Ă" * max_name)


# --- The database order ------------------------------------------------------------------------

REALISTIC_NAMES_IN_ORDER = [
    "Nguyễn An",
    "Trần Thị An",
    "Nguyễn Thị Ảnh",
    "Lò Văn Anh",
    "Lò Văn Ánh",
    "Hoàng Văn Ân",
    "Vừ A Dính",
    "Lường Thị Dung",
    "Đinh Văn Dũng",
    "Phạm Thị Đào",
    "Đỗ Minh Đức",
    "Nguyễn Thị Minh Khai",
    "Nguyễn Văn Oanh",
    "Lê Văn Ổn",
    "Quàng Thị Ơn",
    "Vàng Thị Uyên",
    "Hà Thị Ước",
]


def test_realistic_names_sort_in_vietnamese_dictionary_order():
    assert in_order(*REALISTIC_NAMES_IN_ORDER) == REALISTIC_NAMES_IN_ORDER


def test_the_database_lists_officers_in_the_same_order_as_python(dien_bien):
    shuffled = list(REALISTIC_NAMES_IN_ORDER)
    random.Random(7).shuffle(shuffled)
    for name in shuffled:
        OfficerFactory(full_name=name)

    from_database = list(Officer.objects.in_name_order().values_list("full_name", flat=True))

    assert from_database == sorted(shuffled, key=sort_key)
    assert from_database == REALISTIC_NAMES_IN_ORDER
    assert list(Officer.objects.values_list("full_name", flat=True)) == REALISTIC_NAMES_IN_ORDER


def test_renaming_an_officer_moves_them_in_the_list(dien_bien):
    first = OfficerFactory(full_name="Lò Văn An")
    OfficerFactory(full_name="Lò Văn Bình")
    first.full_name = "Lò Văn Cường"
    first.save()
    assert list(Officer.objects.in_name_order().values_list("full_name", flat=True)) == [
        "Lò Văn Bình",
        "Lò Văn Cường",
    ]


def test_officers_with_the_same_name_keep_the_order_they_were_created_in(dien_bien):
    twins = [OfficerFactory(full_name="Lò Văn Ánh") for _ in range(3)]
    assert list(Officer.objects.in_name_order()) == twins
