"""Accent folding (toolkit.text.fold), the one rule search, typed answers and import headers
compare text by."""

import unicodedata

import pytest

from toolkit.text import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Chữ ký số", "chu ky so"),
        ("CHỮ KÝ SỐ", "chu ky so"),
        ("Đăng ký", "dang ky"),
        ("ĐĂNG KÝ", "dang ky"),
        ("Dịch vụ công trực tuyến", "dich vu cong truc tuyen"),
        ("Người dân ở xã Mường Tùng", "nguoi dan o xa muong tung"),
        ("Nghị định 30/2020/NĐ-CP", "nghi dinh 30/2020/nd-cp"),
        ("  nhiều \t khoảng\ntrắng  ", "nhieu khoang trang"),
        ("", ""),
        ("chu ky so", "chu ky so"),
    ],
)
def test_fold_lowercases_and_removes_vietnamese_marks(text, folded):
    assert fold(text) == folded


def test_fold_gives_the_same_result_for_composed_and_decomposed_text():
    composed = "Chữ ký số của Đảng ủy"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert fold(decomposed) == fold(composed) == "chu ky so cua dang uy"


def test_folded_text_has_only_ascii_for_vietnamese_letters():
    letters = "aàáảãạăằắẳẵặâầấẩẫậđeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
    assert fold(letters).isascii()
    assert fold(letters.upper()) == fold(letters)
