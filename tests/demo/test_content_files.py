"""The demo's texts are TOML files under demo/content/ that trainers read and edit: they load
in order, a slip in one is reported with where it is, and the quiz introductions state the
numbers their banks have."""

import re

import pytest

from demo import catalogue, content_files, quizzes


def test_files_load_in_the_order_their_names_start_with(tmp_path, monkeypatch):
    folder = tmp_path / "quizzes"
    folder.mkdir()
    for name in ("10-last.toml", "2-second.toml", "1-first.toml"):
        (folder / name).write_text(f'slug = "{name[:-5]}"\n')
    monkeypatch.setattr(content_files, "CONTENT", tmp_path)
    assert [data["slug"] for data in content_files.read_folder("quizzes")] == [
        "1-first",
        "2-second",
        "10-last",
    ]


def test_the_demo_has_three_courses_and_four_quizzes_from_its_files():
    assert [course["key"] for course in catalogue.COURSES] == [
        "signature",
        "documents",
        "public_services",
    ]
    assert len(quizzes.QUIZZES) == 4
    assert all(course["lessons"] for course in catalogue.COURSES)


def test_a_lesson_block_of_no_known_kind_is_refused_with_its_text():
    with pytest.raises(ValueError, match="tips") as refused:
        catalogue.lesson_block({"tips": "<p>Đổi mã PIN ngay.</p>"})
    assert "Đổi mã PIN" in str(refused.value)


def test_a_procedure_block_becomes_numbered_steps_in_paragraphs():
    block = catalogue.lesson_block({"procedure": "Đổi mã PIN", "steps": ["Cắm token.", "Nhập mã."]})
    assert block == {
        "type": "procedure",
        "value": {
            "title": "Đổi mã PIN",
            "steps": [
                {"text": "<p>Cắm token.</p>", "screenshot": None},
                {"text": "<p>Nhập mã.</p>", "screenshot": None},
            ],
        },
    }


def test_a_question_of_an_unknown_kind_is_refused_with_its_name():
    with pytest.raises(ValueError, match="CKS-99.*singel"):
        quizzes.question_from({"kind": "singel", "name": "CKS-99", "text": "?"})


def test_a_multiple_choice_question_shares_the_mark_among_its_right_answers():
    question = quizzes.question_from(
        {
            "kind": "multiple",
            "name": "X",
            "text": "Chọn",
            "explanation": "",
            "answers": [
                {"right": "a", "feedback": ""},
                {"wrong": "b", "feedback": "Chưa đúng."},
                {"right": "c", "feedback": ""},
            ],
        }
    )
    fractions = {answer["text"]: answer["fraction"] for answer in question["answers"]}
    assert fractions["a"] + fractions["c"] == 1
    assert fractions["b"] == -1


def test_each_course_quiz_introduction_states_how_many_questions_an_attempt_has():
    for quiz in quizzes.QUIZZES:
        if not quiz["course"]:
            continue
        asked = quiz.get("draw") or len(quiz["questions"])
        stated = re.search(r"gồm (\d+) câu hỏi", quiz["introduction"])
        assert stated and int(stated.group(1)) == asked, quiz["slug"]
        bank = re.search(r"ngân hàng (\d+) câu", quiz["introduction"])
        if quiz.get("draw"):
            assert bank and int(bank.group(1)) == len(quiz["questions"]), quiz["slug"]
