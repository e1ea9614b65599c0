"""GIFT import and export, against Moodle's own fixture and round trips through the database."""

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from assessments.interchange import gift, read_bank
from assessments.interchange.common import (
    InterchangeError,
    ParsedAnswer,
    ParsedBank,
    ParsedCategory,
    ParsedQuestion,
)
from assessments.interchange.gift import read_gift, write_gift
from assessments.interchange.store import load_bank, save_bank
from assessments.models import Question, QuestionCategory

# Moodle's own GIFT fixture (sources: tests/data/README.md).
FIXTURE = Path(__file__).resolve().parents[1] / "data/moodle/questions.gift.txt"

VIETNAMESE = """\
$CATEGORY: Chữ ký số

::Q1:: Chữ ký số dùng trong hoạt động công vụ? {=Chữ ký số chuyên dùng công vụ \
~Chữ ký số công cộng ~Chữ ký điện tử}

::Q3:: Chứng thư cấp mới hiệu lực tối đa? {~3 năm =5 năm#Đúng, tối đa 5 năm. ~20 năm}

::Q6:: Ai ký số của cơ quan khi phát hành? {=Văn thư =văn thư}
"""


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def fixture_text():
    return FIXTURE.read_text(encoding="utf-8")


@pytest.fixture
def supported(fixture_text):
    """The fixture without its matching and numerical questions, parsed."""
    blocks = fixture_text.split("\n\n")
    kept = [block for block in blocks if "->" not in block and "{#" not in block]
    assert len(kept) == len(blocks) - 2
    return {
        question.name + question.kind: question
        for question in read_gift("\n\n".join(kept)).questions
    }


def comparable(questions):
    return [dataclasses.replace(question, position="") for question in questions]


def answers(question):
    return [(a.text, a.fraction, a.feedback) for a in question.answers]


# The real Moodle fixture ---------------------------------------------------------------------


def test_fixture_is_refused_naming_the_unsupported_questions(fixture_text):
    with pytest.raises(InterchangeError) as raised:
        read_gift(fixture_text)
    assert raised.value.problems == [
        "line 5: question “Moodle activities”: matching questions are not supported",
        "line 31: question “Q5”: numerical questions are not supported",
    ]


def test_problems_are_translated(fixture_text, monkeypatch):
    monkeypatch.setattr(gift, "_", lambda message: "«" + message + "»")
    with pytest.raises(InterchangeError) as raised:
        read_gift(fixture_text)
    assert (
        raised.value.problems[1]
        == "«line 31: question “Q5”: «numerical questions are not supported»»"
    )


def test_essay(supported):
    essay = supported["Q8essay"]
    assert (essay.text, essay.answers) == ("How are you?", [])


def test_single_choice_with_feedback_and_text_formats(supported):
    question = supported["Q2single"]
    assert question.text == "What&#x27;s between orange and green in the spectrum?"
    assert answers(question) == [
        ("yellow", 1, "right; good!"),
        ("red", 0, "wrong, it's yellow"),  # [html]: kept as is
        ("blue", 0, "wrong, it&#x27;s yellow"),  # [plain] answer; feedback in the default format
    ]


def test_multiple_response_weights(supported):
    question = supported["coloursmultiple"]
    assert answers(question) == [
        ("yellow", Decimal("0.5"), "right; good!"),
        ("red", Decimal("-1"), "wrong"),
        ("off-beige", Decimal("0.5"), "right; good!"),
        ("blue", Decimal("-1"), "wrong"),
    ]


def test_short_answer_keeps_wildcards(supported):
    question = supported["Shortanswershort"]
    assert answers(question) == [
        ("Frog", 1, "Good!"),
        ("Cat", Decimal("0.5"), "What is it with Moodlers and cats?"),
        ("*", 0, "Completely wrong"),
    ]


def test_true_false_feedback_and_general_feedback(supported):
    question = supported["Q1truefalse"]
    # Like Moodle, text after the closing brace makes a blank where the answers were.
    assert question.text == "42 is the Absolute Answer to everything._____&quot;;"
    assert question.general_feedback == (
        "This is, of course, a Hitchiker&#x27;s Guide to the Galaxy reference."
    )
    assert answers(question) == [
        ("Đúng", 0, "42 is the Ultimate Answer."),
        ("Sai", 1, "You gave the right answer."),
    ]
    assert answers(supported["2-08 TSLtruefalse"]) == [("Đúng", 1, ""), ("Sai", 0, "")]


def test_fixture_round_trip(supported):
    questions = list(supported.values())
    again = read_gift(write_gift(ParsedBank(questions=questions))).questions
    assert comparable(again) == comparable(questions)


# Syntax ----------------------------------------------------------------------------------------


def test_escapes_formats_names_and_categories():
    bank = read_gift(
        "// a comment\n"
        "$CATEGORY: $course$/top/Ngân hàng\n"
        "\n"
        "[markdown]Nhiều *dòng*\\nvà a<b \\{x\\} \\= \\~ \\# \\: \\\\ {\n"
        "  =%50%rất \\= tốt # [html]<b>khá</b>\n"
        "  =tốt\n"
        "  ####[plain]Xem <luật>\n"
        "}\n"
        "\n"
        "::Mẫu \\: tên:: [moodle]Thủ đô {~Hà Nội\n"
        "// comment inside\n"
        "~%100%Huế} là gì?\n"
    )
    short, single = bank.questions
    # A path from the top of the bank: the context and Moodle's "top" category are dropped.
    assert bank.categories == [ParsedCategory("Ngân hàng")]
    assert short.category == single.category == "Ngân hàng"
    assert short.kind == "short"
    assert short.text == "<p>Nhiều *dòng*<br>và a&lt;b {x} = ~ # : \\</p>"
    assert short.name == "Nhiều *dòng* và a<b {x} = ~ # : \\"
    assert answers(short) == [("rất = tốt", Decimal("0.5"), "<b>khá</b>"), ("tốt", 1, "")]
    assert short.general_feedback == "Xem &lt;luật&gt;"
    assert single.kind == "multiple"
    assert single.name == "Mẫu : tên"
    assert single.text == "Thủ đô _____ là gì?"
    assert answers(single) == [("Hà Nội", 0, ""), ("Huế", 1, "")]


def test_default_name_is_shortened_like_moodle():
    text = "Một câu hỏi " * 20
    (question,) = read_gift(text + "{}").questions
    assert question.name.endswith("...") and len(question.name) <= 83


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("::A:: text {=a ~b", "line 2: question “A”: “{” and “}” do not pair up"),
        ("::A:: text\n=a ~b}", "line 3: question “A”: “{” and “}” do not pair up"),
        ("::A:: a {=x ~y} b {=c ~d}", "line 2: question “A”: a question has only one answer"),
        ("::A:: a\n{=x {~y}", "line 3: question “A”: “{” inside an answer block"),
        ("::A:: only text", "line 2: question “A”: descriptions (text without answers)"),
        ("::A:: a {~x}", "line 2: question “A”: a choice question needs at least two answers"),
        ("::A:: a {~%150%x ~y}", "line 2: question “A”: the weight “%150%” is not between"),
        ("::A:: a {=}", "line 2: question “A”: a short-answer question needs an answer"),
        ("// nothing but a comment", "The file holds no questions."),
    ],
)
def test_malformed_syntax_is_reported(text, problem):
    with pytest.raises(InterchangeError) as raised:
        read_gift("// first line\n" + text)
    assert raised.value.problems[0].startswith(problem), raised.value.problems


def test_every_problem_is_reported():
    with pytest.raises(InterchangeError) as raised:
        read_gift("::A:: a {=x ~y}\n\n::B:: b {#1}\n\n\n::C:: c {=a->b =c->d =e->f}\n\n::D:: {")
    assert [problem.split(":")[0] for problem in raised.value.problems] == [
        "line 3",
        "line 6",
        "line 8",
    ]


def test_written_text_reads_back_equal():
    tricky = "<p>a: b # c = d ~ e {f} \\ g\nh</p>"
    bank = ParsedBank(
        questions=[
            ParsedQuestion("essay", "Tự luận: {1}", tricky, general_feedback="[x] #"),
            ParsedQuestion(
                "single",
                "Chọn",
                "[plain] không phải định dạng",
                category="A/B",
                answers=[
                    ParsedAnswer("%50% đúng", Decimal("1"), "[html] ok"),
                    ParsedAnswer("[plain] sai", Decimal("0"), tricky),
                    ParsedAnswer("nửa", Decimal("0.3333333"), ""),
                ],
            ),
            ParsedQuestion(
                "multiple",
                "Nhiều",
                "x",
                category="Khác",
                answers=[
                    ParsedAnswer("a", Decimal("0.5"), "#"),
                    ParsedAnswer("b", Decimal("0.5"), ""),
                    ParsedAnswer("c", Decimal("-1"), ""),
                ],
            ),
            ParsedQuestion(
                "truefalse",
                "Đ/S",
                "y",
                category="A/B",
                general_feedback="chung",
                answers=[
                    ParsedAnswer("Đúng", Decimal("0"), ""),
                    ParsedAnswer("Sai", Decimal("1"), "giỏi"),
                ],
            ),
            ParsedQuestion(
                "truefalse",
                "Đ/S 2",
                "z",
                category="Mẫu 1//2025/Con",  # "Mẫu 1/2025" is one name
                answers=[
                    ParsedAnswer("Đúng", Decimal("1"), "đúng rồi"),
                    ParsedAnswer("Sai", Decimal("0"), "sai rồi"),
                ],
            ),
            ParsedQuestion(
                "short",
                "Ngắn",
                "w",
                category="Khác",
                answers=[
                    ParsedAnswer("chữ ký*", Decimal("1"), "a=b"),
                    ParsedAnswer("[plain]", Decimal("0.5"), ""),
                    ParsedAnswer("x &lt; y &amp; z", Decimal("0.25"), ""),
                ],
            ),
        ],
        categories=[ParsedCategory("Trống")],
    )
    written = write_gift(bank)
    again = read_gift(written)
    assert comparable(again.questions) == comparable(bank.questions)
    assert [category.path for category in again.categories] == [
        "Trống",
        "A/B",
        "Khác",
        "Mẫu 1//2025/Con",
    ]
    # As Moodle writes them: from the top category of the course, "/" in a name doubled.
    assert "$CATEGORY: $course$/top/Trống\n" in written
    assert "$CATEGORY: $course$/top/Mẫu 1//2025/Con\n" in written
    # The question without a category (for the import's chosen one) is written first.
    assert written.startswith("::Tự luận\\: \\{1\\}::")


def test_a_question_without_category_cannot_follow_categorised_ones():
    """No $CATEGORY line switches back to the category chosen for the import."""
    bank = ParsedBank(
        questions=[
            ParsedQuestion("essay", "A", "a", category="A"),
            ParsedQuestion("essay", "B", "b"),
        ]
    )
    with pytest.raises(ValueError, match="“B” has no category"):
        write_gift(bank)


# Database and the management command -------------------------------------------------------


@pytest.mark.django_db
def test_database_round_trip(fixture_text):
    blocks = [block for block in fixture_text.split("\n\n") if "->" not in block]
    # Categories in the file are paths from the top of the bank, with or without Moodle's
    # "$course$/top" in front.
    text = (
        "$CATEGORY: Ngân hàng/Moodle/Con\n\n"
        + "\n\n".join(b for b in blocks if "{#" not in b)
        + "\n\n"
        + VIETNAMESE.replace("$CATEGORY: ", "$CATEGORY: $course$/top/Ngân hàng/Moodle/")
    )
    bank = read_bank(text.encode(), "gift")
    saved = save_bank(bank, "Nơi khác")
    assert len(saved) == len(bank.questions) == 10
    assert not QuestionCategory.objects.filter(name="Nơi khác").exists()
    exported = write_gift(load_bank(QuestionCategory.from_path("Ngân hàng/Moodle")))
    again = read_gift(exported)
    # The same questions in the same categories ("Ngân hàng/Moodle/Con", …/Chữ ký số).
    assert sorted(map(repr, comparable(again.questions))) == sorted(
        map(repr, comparable(bank.questions))
    )


@pytest.mark.django_db
def test_vietnamese_sample_imports(tmp_path):
    path = tmp_path / "chu-ky-so.gift.txt"
    path.write_text(VIETNAMESE, encoding="utf-8")
    call_command(
        "import_questions", str(path), "--format", "gift", "--category", "Ngân hàng/Chữ ký số"
    )
    question = Question.objects.get(name="Q1")
    assert question.kind == "single"
    # "$CATEGORY: Chữ ký số" is the category at the top of the bank, as in Moodle; nothing
    # went into the chosen category, which was not created.
    assert question.category.path == "Chữ ký số"
    assert not QuestionCategory.objects.filter(name="Ngân hàng").exists()
    assert question.text == "Chữ ký số dùng trong hoạt động công vụ?"
    assert [(a.text, a.fraction) for a in question.answers.all()] == [
        ("Chữ ký số chuyên dùng công vụ", 1),
        ("Chữ ký số công cộng", 0),
        ("Chữ ký điện tử", 0),
    ]
    assert Question.objects.get(name="Q3").answers.get(fraction=1).feedback == "Đúng, tối đa 5 năm."
    assert Question.objects.get(name="Q6").kind == "short"


@pytest.mark.django_db
def test_a_file_with_an_unsupported_question_imports_nothing(tmp_path):
    path = tmp_path / "mixed.gift.txt"
    path.write_text(VIETNAMESE + "\n::Số:: Một cộng một? {#2}\n", encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command(
            "import_questions",
            str(path),
            "--format",
            "gift",
            "--category",
            "Ngân hàng/Chữ ký số",
            "--language",
            "en",
        )
    assert Question.objects.count() == 0
    assert "line 9: question “Số”: numerical questions are not supported" in str(raised.value)
