"""Moodle XML import and export, against Moodle's own test fixtures."""

import base64
import dataclasses
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from wagtail.images.models import Image

from assessments.interchange import read_bank
from assessments.interchange.common import (
    InterchangeError,
    ParsedAnswer,
    ParsedBank,
    ParsedCategory,
    ParsedQuestion,
)
from assessments.interchange.moodle_xml import read_xml, write_xml
from assessments.interchange.store import load_bank, save_bank
from assessments.models import Question, QuestionCategory, QuestionFile
from tests.assessments.test_question_rich_text import png


@pytest.fixture(autouse=True)
def english_messages():
    """Problem messages are compared in English (Vietnamese is the default language)."""
    with translation.override("en"):
        yield


FIXTURES = Path(__file__).resolve().parents[1] / "data/moodle"  # sources: tests/data/README.md
NESTED = FIXTURES / "nested_categories_with_questions.xml"
OLD_IMAGE = FIXTURES / "sample_questions_with_old_image_tag.xml"


def fixture_text(path):
    return path.read_text(encoding="utf-8")


def without_cloze(text):
    return re.sub(r'<question type="cloze">.*?</question>', "", text, flags=re.DOTALL)


def comparable(questions):
    """Questions without what export cannot carry back: position and files."""
    return [dataclasses.replace(question, position="", files=[]) for question in questions]


def refused(text):
    with pytest.raises(InterchangeError) as caught:
        read_xml(text)
    return caught.value.problems


def test_nested_categories_with_descriptions_and_questions():
    bank = read_xml(fixture_text(NESTED))

    assert [(c.path, c.description) for c in bank.categories] == [
        ("Iota", "This is Iota category for test"),
        ("Iota/Kappa", "This is Kappa category for test"),
        ("Iota/Kappa/Lambda", "This is Lambda category for test"),
        ("Iota/Mu", "This is Mu category for test"),
    ]
    assert [(q.name, q.kind, q.category) for q in bank.questions] == [
        ("Iota Question", "truefalse", "Iota"),
        ("Kappa Essay Question", "essay", "Iota/Kappa"),
        ("Kappa Question", "truefalse", "Iota/Kappa"),
        ("Lambda Question", "truefalse", "Iota/Kappa/Lambda"),
        ("Mu Question", "truefalse", "Iota/Mu"),
    ]
    true_false = bank.questions[0]
    assert true_false.text == "<p>Testing Iota Question</p>"
    assert true_false.default_mark == Decimal("1")
    assert true_false.answers == [
        ParsedAnswer("Đúng", Decimal("1"), ""),
        ParsedAnswer("Sai", Decimal("0"), ""),
    ]
    essay = bank.questions[1]
    assert essay.text == "Testing Kappa Essay Question"  # moodle_auto_format, escaped
    assert essay.answers == []


def test_the_cloze_question_refuses_the_whole_file():
    problems = refused(fixture_text(OLD_IMAGE))

    assert problems == ["question 1 (“cloze question with image”): type cloze is not supported"]


def test_old_image_tag_becomes_a_file_and_answers_are_stripped():
    bank = read_xml(without_cloze(fixture_text(OLD_IMAGE)))

    assert bank.categories == [ParsedCategory("Default for Test images in backup")]
    [question] = bank.questions
    assert question.kind == "single"
    assert question.category == "Default for Test images in backup"
    assert question.shuffle_answers is True  # the first of the two <shuffleanswers>
    assert question.text.endswith('<img src="@@PLUGINFILE@@/moodle.png" alt="">')
    [image] = question.files
    assert image.name == "moodle.png"
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert [(a.text, a.fraction, a.feedback) for a in question.answers] == [
        ("wrong answer", Decimal("0"), ""),
        ("another wrong answer", Decimal("0"), ""),
        ("right answer", Decimal("1"), ""),
    ]


@pytest.mark.django_db
def test_import_makes_the_image_a_wagtail_image_embedded_in_the_text(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bank = read_bank(without_cloze(fixture_text(OLD_IMAGE)).encode(), "xml")

    [question] = save_bank(bank, "Ngân hàng")

    image = Image.objects.get()
    assert image.title == "moodle.png"
    assert image.collection.name == "Ngân hàng câu hỏi"
    assert Path(image.file.path).read_bytes().startswith(b"\x89PNG")
    assert not QuestionFile.objects.filter(question=question).exists()
    question.refresh_from_db()
    assert "@@PLUGINFILE@@" not in question.text
    assert question.text.endswith(
        f'<embed embedtype="image" format="question" id="{image.pk}" alt=""/>'
    )
    # "$course$/Default for Test images in backup": a category at the top of the bank.
    assert question.category.path == "Default for Test images in backup"


def test_unsupported_types_are_all_reported():
    problems = refused(
        """<quiz>
        <question type="matching"><name><text>Pairs</text></name></question>
        <question type="essay"><name><text>Fine</text></name>
          <questiontext><text>Why?</text></questiontext></question>
        <question type="numerical"><name><text>Sum</text></name></question>
        </quiz>"""
    )

    assert problems == [
        "question 1 (“Pairs”): type matching is not supported",
        "question 3 (“Sum”): type numerical is not supported",
    ]


def test_malformed_xml_gives_line_and_column():
    problems = refused('<?xml version="1.0"?>\n<quiz>\n  <question type="essay">\n</quiz>')

    assert problems == ["The XML is malformed at line 4, column 3."]


def test_doctype_and_entities_are_refused():
    problems = refused('<!DOCTYPE quiz [<!ENTITY a "aaaa">]><quiz>&a;</quiz>')

    assert problems == ["The file declares a DOCTYPE or entities, which is not allowed."]


def test_formats_files_and_fractions():
    bank = read_xml(
        """<quiz>
        <question type="multichoice">
          <name><text>Weights</text></name>
          <questiontext format="plain_text"><text>a &lt; b
and c</text></questiontext>
          <single>false</single>
          <shuffleanswers>0</shuffleanswers>
          <answer fraction="50" format="html"><text><![CDATA[<b>A</b>
            <img src="@@PLUGINFILE@@/my%20pic.png">]]></text>
            <file name="my pic.png" path="/" encoding="base64">"""
        + base64.b64encode(png()).decode()
        + """</file>
            <feedback format="markdown"><text>*half*</text></feedback></answer>
          <answer fraction="-100"><text>B</text></answer>
          <answer fraction="50"><text>C</text></answer>
        </question>
        <question type="shortanswer">
          <name><text>Capital</text></name>
          <questiontext><text>Capital?</text></questiontext>
          <usecase>1</usecase>
          <answer fraction="100"><text>AT&amp;T</text></answer>
        </question>
        </quiz>"""
    )

    choice, short = bank.questions
    assert choice.kind == "multiple"
    assert choice.shuffle_answers is False
    assert choice.text == "a &lt; b<br>and c"
    assert [a.fraction for a in choice.answers] == [Decimal("0.5"), Decimal("-1"), Decimal("0.5")]
    assert choice.answers[0].text.endswith('<img src="@@PLUGINFILE@@/my pic.png">')
    assert choice.answers[0].feedback == "*half*"
    assert [(f.name, f.content) for f in choice.files] == [("my pic.png", png())]
    assert short.kind == "short"
    assert short.case_sensitive is True
    assert short.answers == [ParsedAnswer("AT&amp;T", Decimal("1"), "")]


def test_bad_values_are_reported_with_the_question():
    problems = refused(
        """<quiz><question type="truefalse"><name><text>TF</text></name>
          <questiontext><text>Sky is blue</text></questiontext>
          <defaultgrade>one</defaultgrade>
          <answer fraction="100"><text>true</text></answer>
          <answer fraction="200"><text>maybe</text></answer>
        </question></quiz>"""
    )

    assert problems == [
        "question 1 (“TF”): “one” is not a number",
        "question 1 (“TF”): answer fraction 200% is outside -100..100",
        "question 1 (“TF”): a true/false question needs one “true” and one “false” answer",
    ]


SYNTHETIC = ParsedBank(
    categories=[ParsedCategory("Chữ ký số", "<p>Về <b>chữ ký</b></p>")],
    questions=[
        # Without a category (for the import's chosen one): first, as it must be.
        ParsedQuestion(
            kind="truefalse",
            name="Đúng sai",
            text="Trời xanh",
            answers=[ParsedAnswer("Đúng", Decimal("0"), "Sai rồi"), ParsedAnswer("Sai", 1, "")],
        ),
        ParsedQuestion(
            kind="multiple",
            name="Chọn <hai> & đúng",
            text="<p>Odd ]]> text</p>",
            category="Chữ ký số",
            general_feedback="<p>Xem bài 2</p>",
            default_mark=Decimal("2.5"),
            shuffle_answers=False,
            answers=[
                ParsedAnswer("<p>A</p>", Decimal("0.3333333"), "<i>một phần</i>"),
                ParsedAnswer("B", Decimal("-1"), ""),
                ParsedAnswer("C", Decimal("0.6666667"), ""),
            ],
        ),
        ParsedQuestion(
            kind="short",
            name="Thủ đô",
            text="Thủ đô?",
            category="Chữ ký số/Con",
            case_sensitive=True,
            answers=[ParsedAnswer("Hà Nội &amp; X", Decimal("1"), "Đúng")],
        ),
        ParsedQuestion(kind="single", name="Một", text="?", category="Chữ ký số"),
        ParsedQuestion(kind="essay", name="Tự luận", text="Viết", category="Chữ ký số"),
    ],
)
SYNTHETIC.questions[3].answers = [ParsedAnswer("x", Decimal("1")), ParsedAnswer("y", 0)]


@pytest.mark.parametrize("path", [NESTED, OLD_IMAGE])
def test_round_trip_of_fixtures(path):
    bank = read_xml(without_cloze(fixture_text(path)))

    again = read_xml(write_xml(bank))

    assert comparable(again.questions) == comparable(bank.questions)
    assert again.categories == bank.categories


def test_round_trip_of_every_kind():
    written = write_xml(SYNTHETIC)
    again = read_xml(written)

    assert comparable(again.questions) == comparable(SYNTHETIC.questions)
    assert again.categories[0] == SYNTHETIC.categories[0]
    assert '<answer fraction="33.33333" format="html">' in written


@pytest.mark.django_db
def test_round_trip_through_the_database():
    bank = read_xml(fixture_text(NESTED))
    save_bank(bank, "Ngân hàng")

    # "$course$/Iota" is Iota at the top of the bank, which is what is exported.
    exported = write_xml(load_bank(QuestionCategory.from_path("Iota")))
    assert "<text>$course$/top/Iota/Kappa/Lambda</text>" in exported
    again = read_xml(exported)

    # load_bank walks the tree level by level: Iota/Mu comes before Iota/Kappa/Lambda.
    def by_place(questions):
        return sorted(comparable(questions), key=lambda q: (q.category, q.name))

    assert by_place(again.questions) == by_place(bank.questions)
    assert sorted((c.path, c.description) for c in again.categories if c.path) == sorted(
        (c.path, c.description) for c in bank.categories
    )


@pytest.mark.django_db
def test_import_command_builds_the_category_tree():
    fixture_text(NESTED)

    call_command("import_questions", str(NESTED), "--format", "xml", "--category", "Ngân hàng")

    # As Moodle: "$course$/Iota/Kappa" is counted from the top of the bank, not from the
    # chosen category, which no question went into.
    paths = {category.path for category in QuestionCategory.objects.all()}
    assert paths == {"Iota", "Iota/Kappa", "Iota/Kappa/Lambda", "Iota/Mu"}
    lambda_ = Question.objects.get(name="Lambda Question")
    assert lambda_.category.path == "Iota/Kappa/Lambda"
    assert QuestionCategory.objects.get(name="Kappa").description == (
        "This is Kappa category for test"
    )
    assert Question.objects.count() == 5


@pytest.mark.django_db
def test_import_command_imports_nothing_from_a_refused_file():
    fixture_text(OLD_IMAGE)
    before = Question.objects.count()

    with pytest.raises(CommandError, match="cloze question with image"):
        call_command(
            "import_questions",
            str(OLD_IMAGE),
            "--format",
            "xml",
            "--category",
            "Ngân hàng",
            "--language",
            "en",
        )

    assert Question.objects.count() == before
