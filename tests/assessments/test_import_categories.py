"""Where imported questions go: the categories a Moodle file names are read as Moodle reads
them (qformat_default::create_category_path), paths from the top of the bank, not from the
category chosen for the import; the message says where every question really went; the
questions are new drafts; exported categories come back to the same place."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from assessments.interchange import read_bank, write_bank
from assessments.interchange.categories import (
    assemble_category_path,
    path_from_file,
    split_category_path,
)
from assessments.interchange.store import load_bank, save_bank
from assessments.models import Answer, Question, QuestionCategory
from audit.models import Action, AuditEntry

FIXTURES = Path(__file__).resolve().parents[1] / "data/moodle"  # sources: tests/data/README.md
NESTED = FIXTURES / "nested_categories_with_questions.xml"

DRAFTS = (
    "They are drafts: they reach learners once a reviewer approves them, or a quiz that uses them."
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def names(category):
    """The names from the root down ("path" joins them with "/", which a name may hold)."""
    chain = []
    while category is not None:
        chain.insert(0, category.name)
        category = category.parent
    return chain


def placed():
    """{question name: names of its category}."""
    return {
        question.name: names(question.category)
        for question in Question.objects.select_related("category__parent__parent__parent")
    }


def import_file(tmp_path, text, category, *options, format="gift"):
    path = tmp_path / ("bank.gift.txt" if format == "gift" else "bank.xml")
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_questions",
        str(path),
        "--format",
        format,
        "--category",
        category,
        "--language",
        "en",
        *options,
        stdout=out,
    )
    return out.getvalue().strip()


def gift(*categories):
    """A GIFT file: for each category, a $CATEGORY line and two questions named after it
    (None: two questions before any $CATEGORY line)."""
    blocks = []
    for number, category in enumerate(categories):
        if category is not None:
            blocks.append(f"$CATEGORY: {category}")
        blocks += [f"::{number}a:: Câu {number}a {{T}}", f"::{number}b:: Câu {number}b {{}}"]
    return "\n\n".join(blocks) + "\n"


# The report that started it all --------------------------------------------------------------


@pytest.mark.django_db
def test_a_course_category_is_the_top_category_it_names_not_one_under_the_chosen_one(tmp_path):
    """`$CATEGORY: $course$/X` imported into "Ngân hàng/X" used to land in "Ngân hàng/X/X"
    while the message said "Ngân hàng/X"; Moodle puts the questions in X at the top."""
    message = import_file(tmp_path, gift("$course$/X"), "Ngân hàng/X")

    assert placed() == {"0a": ["X"], "0b": ["X"]}
    assert message == f"2 questions imported into “X”. {DRAFTS}"
    # The chosen category, which no question went into, is not created empty.
    assert not QuestionCategory.objects.filter(name="Ngân hàng").exists()


# Moodle's reading of a category path ---------------------------------------------------------


@pytest.mark.parametrize(
    ("in_file", "from_root"),
    [
        ("$course$/top/A/B", ["A", "B"]),
        ("$course$/A/B", ["A", "B"]),  # Moodle before 3.5: no top category
        ("A/B", ["A", "B"]),  # before Moodle 1.9: no context
        ("top/A/B", ["A", "B"]),
        ("$system$/A", ["A"]),
        ("$module$/top/A", ["A"]),
        ("$cat$/A", ["A"]),
        ("$course$/top/top/A", ["A"]),  # nested tops left by MDL-63165
        ("  $course$ / top /  Chữ ký số  / Văn bản ", ["Chữ ký số", "Văn bản"]),
        ("$course$/top/Mẫu 1//2025/Con", ["Mẫu 1/2025", "Con"]),  # "//" is a "/" in a name
        ("$course$/top/A//", ["A/"]),
        ("$course$/<b>Đậm", ["Đậm"]),  # Moodle cleans names as PARAM_TEXT
        ("A/top/B", ["A", "top", "B"]),  # only the leading "top" is Moodle's top
        ("$Course$/A", ["$Course$", "A"]),  # a context is lower-case, as Moodle matches it
    ],
)
@pytest.mark.django_db
def test_a_path_in_the_file_is_counted_from_the_top_of_the_bank(tmp_path, in_file, from_root):
    assert split_category_path(path_from_file(in_file)) == from_root

    import_file(tmp_path, gift(in_file), "Ngân hàng/Chữ ký số")

    assert placed() == {"0a": from_root, "0b": from_root}


@pytest.mark.parametrize("in_file", ["$course$/top", "$course$", "top", "$system$/top/", ""])
def test_a_path_naming_only_the_top_names_no_category(in_file):
    assert path_from_file(in_file) == ""


def test_names_with_slashes_are_written_so_that_they_read_back():
    tricky = ["Mẫu 1/2025", "/đầu", "cuối/", "a//b", "Chữ ký số"]

    path = assemble_category_path(tricky)

    assert path == "Mẫu 1//2025/ //đầu/cuối// /a////b/Chữ ký số"
    assert split_category_path(path) == tricky


@pytest.mark.django_db
def test_the_top_alone_keeps_the_category_before_it_as_moodle_does(tmp_path):
    """Moodle's create_category_path finds no category for "$course$/top" (its top category
    holds no questions), and importprocess keeps the current one: the chosen category at the
    start of the file, the file's previous category later."""
    import_file(tmp_path, gift("$course$/top", "$course$/X", "$course$/top"), "Ngân hàng")

    assert placed() == {
        "0a": ["Ngân hàng"],
        "0b": ["Ngân hàng"],
        "1a": ["X"],
        "1b": ["X"],
        "2a": ["X"],
        "2b": ["X"],
    }


@pytest.mark.django_db
def test_questions_before_the_first_category_go_into_the_chosen_one(tmp_path):
    message = import_file(
        tmp_path, gift(None, "$course$/top/Văn bản", "Chữ ký số/Cơ bản"), "Ngân hàng/Chung"
    )

    assert placed() == {
        "0a": ["Ngân hàng", "Chung"],
        "0b": ["Ngân hàng", "Chung"],
        "1a": ["Văn bản"],
        "1b": ["Văn bản"],
        "2a": ["Chữ ký số", "Cơ bản"],
        "2b": ["Chữ ký số", "Cơ bản"],
    }
    assert message == (
        "6 questions imported: 2 into “Ngân hàng/Chung”, 2 into “Văn bản”, "
        f"2 into “Chữ ký số/Cơ bản”. {DRAFTS}"
    )


@pytest.mark.django_db
def test_a_category_named_twice_is_counted_once_in_the_message(tmp_path):
    message = import_file(tmp_path, gift("A", "$course$/B", "$course$/top/A"), "Ngân hàng")

    assert placed()["2a"] == placed()["0a"] == ["A"]
    assert message == f"6 questions imported: 4 into “A”, 2 into “B”. {DRAFTS}"


@pytest.mark.django_db
def test_one_question_gets_a_singular_message(tmp_path):
    message = import_file(tmp_path, "$CATEGORY: $course$/X\n\n::Một:: Một? {T}\n", "Ngân hàng")

    assert message == (
        "1 question imported into “X”. It is a draft: it reaches learners once a reviewer "
        "approves it, or a quiz that uses it."
    )


# "Get category from file" unticked ------------------------------------------------------------


@pytest.mark.django_db
def test_ignoring_the_files_categories_puts_everything_into_the_chosen_one(tmp_path):
    message = import_file(
        tmp_path,
        gift(None, "$course$/X", "$course$/top/Y/Z"),
        "Ngân hàng/X",
        "--ignore-file-categories",
    )

    assert set(map(tuple, placed().values())) == {("Ngân hàng", "X")}
    assert message == f"6 questions imported into “Ngân hàng/X”. {DRAFTS}"
    # No category of the file is created, not even an empty one.
    assert {c.path for c in QuestionCategory.objects.all()} == {"Ngân hàng", "Ngân hàng/X"}


@pytest.mark.django_db
def test_ignoring_the_files_categories_ignores_their_descriptions():
    fixture = NESTED.read_bytes()

    save_bank(read_bank(fixture, "xml"), "Ngân hàng", categories_from_file=False)

    assert {c.path: c.description for c in QuestionCategory.objects.all()} == {"Ngân hàng": ""}
    assert Question.objects.filter(category__name="Ngân hàng").count() == 5


# Moodle XML: category questions and their descriptions ----------------------------------------


def xml_bank(*elements):
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(elements) + "\n</quiz>\n"


def category_question(path, info=None):
    described = f'<info format="html"><text><![CDATA[{info}]]></text></info>' if info else ""
    return (
        f'<question type="category"><category><text>{path}</text></category>{described}</question>'
    )


def essay(name):
    return (
        f'<question type="essay"><name><text>{name}</text></name>'
        f"<questiontext><text>{name}?</text></questiontext></question>"
    )


@pytest.mark.django_db
def test_the_moodle_fixture_builds_its_tree_at_the_top_with_its_descriptions():
    fixture = NESTED.read_bytes()

    saved = save_bank(read_bank(fixture, "xml"), "Ngân hàng/Nhập")

    assert {c.path: c.description for c in QuestionCategory.objects.all()} == {
        "Iota": "This is Iota category for test",
        "Iota/Kappa": "This is Kappa category for test",
        "Iota/Kappa/Lambda": "This is Lambda category for test",
        "Iota/Mu": "This is Mu category for test",
    }
    assert [(category.path, count) for category, count in saved.placements] == [
        ("Iota", 1),
        ("Iota/Kappa", 2),
        ("Iota/Kappa/Lambda", 1),
        ("Iota/Mu", 1),
    ]


@pytest.mark.django_db
def test_a_description_goes_on_the_last_category_and_never_replaces_one():
    QuestionCategory.objects.create(name="Văn bản", description="Của đơn vị")
    text = xml_bank(
        category_question("$course$/top/Văn bản", "Mô tả khác"),
        category_question("$course$/top/Chữ ký số/Cơ bản", "<p>Những điều <b>cơ bản</b></p>"),
        essay("Một"),
        category_question("$course$/top", "Mô tả của gốc"),
        essay("Hai"),
    )

    save_bank(read_bank(text.encode(), "xml"), "Ngân hàng")

    assert {c.path: c.description for c in QuestionCategory.objects.all()} == {
        "Văn bản": "Của đơn vị",
        "Chữ ký số": "",
        "Chữ ký số/Cơ bản": "<p>Những điều <b>cơ bản</b></p>",
    }
    # "$course$/top" switched nothing: "Hai" stays in the category before it.
    assert placed() == {"Một": ["Chữ ký số", "Cơ bản"], "Hai": ["Chữ ký số", "Cơ bản"]}


@pytest.mark.django_db
def test_an_xml_file_without_questions_is_refused():
    from assessments.interchange import InterchangeError

    with pytest.raises(InterchangeError) as raised:
        read_bank(xml_bank(category_question("$course$/top/Trống")).encode(), "xml")

    assert raised.value.problems == ["The file holds no questions."]


# Export, then import: the same categories -------------------------------------------------------


@pytest.fixture
def bank_in_categories(db):
    """ "Ngân hàng" with questions in it, in a child, in a child whose name holds a "/", and an
    empty child with a description."""
    root = QuestionCategory.objects.create(name="Ngân hàng")
    signing = QuestionCategory.objects.create(name="Chữ ký số", parent=root)
    basics = QuestionCategory.objects.create(name="Cơ bản", parent=signing)
    form = QuestionCategory.objects.create(name="Mẫu 1/2025", parent=root)
    QuestionCategory.objects.create(name="Trống", parent=root, description="<p>Sắp có</p>")
    for category, name in [
        (root, "Gốc"),
        (signing, "Ký"),
        (basics, "Cơ bản 1"),
        (basics, "Cơ bản 2"),
        (form, "Mẫu"),
    ]:
        question = Question.objects.create(
            category=category, kind=Question.Kind.TRUE_FALSE, name=name, text=f"<p>{name}?</p>"
        )
        Answer.objects.create(question=question, text="Đúng", fraction=1, sort_order=0)
        Answer.objects.create(question=question, text="Sai", fraction=0, sort_order=1)
    return root


@pytest.mark.parametrize("format", ["gift", "xml"])
def test_an_exported_bank_imported_with_its_categories_comes_back_to_the_same_ones(
    bank_in_categories, tmp_path, format
):
    before = placed()
    exported = io.StringIO()
    call_command("export_questions", "--format", format, "--category", "Ngân hàng", stdout=exported)
    text = exported.getvalue()
    assert "$course$/top/Ngân hàng/Chữ ký số/Cơ bản" in text
    assert "$course$/top/Ngân hàng/Mẫu 1//2025" in text
    # Into an empty bank, with another category chosen.
    Question.objects.all().delete()
    QuestionCategory.objects.all().delete()

    message = import_file(tmp_path, text, "Nơi khác", format=format)

    assert placed() == before
    assert message == (
        "5 questions imported: 1 into “Ngân hàng”, 1 into “Ngân hàng/Chữ ký số”, "
        "1 into “Ngân hàng/Mẫu 1/2025”, 2 into “Ngân hàng/Chữ ký số/Cơ bản”. " + DRAFTS
    )
    categories = {tuple(names(c)): c.description for c in QuestionCategory.objects.all()}
    assert ("Nơi khác",) not in categories
    # The empty category comes back too, with its description where the format has one.
    assert categories[("Ngân hàng", "Trống")] == ("<p>Sắp có</p>" if format == "xml" else "")


@pytest.mark.django_db
def test_load_bank_gives_paths_from_the_top_of_the_bank(bank_in_categories):
    signing = QuestionCategory.objects.get(name="Chữ ký số")

    bank = load_bank(signing)

    assert [c.path for c in bank.categories] == [
        "Ngân hàng/Chữ ký số",
        "Ngân hàng/Chữ ký số/Cơ bản",
    ]
    assert [(q.name, q.category) for q in bank.questions] == [
        ("Ký", "Ngân hàng/Chữ ký số"),
        ("Cơ bản 1", "Ngân hàng/Chữ ký số/Cơ bản"),
        ("Cơ bản 2", "Ngân hàng/Chữ ký số/Cơ bản"),
    ]
    assert "$CATEGORY: $course$/top/Ngân hàng/Chữ ký số/Cơ bản\n" in write_bank(bank, "gift")


@pytest.mark.django_db
def test_a_backslash_in_a_category_name_survives_a_gift_round_trip(tmp_path):
    odd = QuestionCategory.objects.create(name="Thư mục C:\\Tài liệu\\n")
    Question.objects.create(category=odd, kind=Question.Kind.ESSAY, name="Tự luận", text="?")
    text = write_bank(load_bank(odd), "gift")
    assert "$CATEGORY: $course$/top/Thư mục C:\\\\Tài liệu\\\\n\n" in text
    Question.objects.all().delete()
    odd.delete()

    import_file(tmp_path, text, "Ngân hàng")

    assert placed() == {"Tự luận": ["Thư mục C:\\Tài liệu\\n"]}


# New drafts, with a first revision ------------------------------------------------------------


@pytest.mark.django_db
def test_imported_questions_are_drafts_with_a_first_revision(tmp_path, django_user_model):
    trainer = django_user_model.objects.create_user("giang.vien")
    bank = read_bank(gift("$course$/X").encode(), "gift")

    saved = save_bank(bank, "Ngân hàng", user=trainer)

    assert len(saved) == 2
    for question in Question.objects.all():
        assert question.live is False
        assert question.live_revision is None
        assert question.first_published_at is None
        assert question.latest_revision is not None
        assert question.latest_revision.user == trainer
        # The revision holds the question with its answers: what a reviewer approves.
        content = question.latest_revision.content
        assert content["name"] == question.name
        assert [a["text"] for a in content["answers"]] == [a.text for a in question.answers.all()]
    assert set(Question.awaiting_first_approval()) == set(saved)


@pytest.mark.django_db
def test_the_command_imports_drafts_by_nobody_and_audits_the_categories(tmp_path):
    import_file(tmp_path, gift(None, "$course$/X"), "Ngân hàng")

    revisions = [question.latest_revision for question in Question.objects.all()]
    assert all(r is not None and r.user is None for r in revisions)
    assert not Question.objects.filter(live=True).exists()
    entry = AuditEntry.objects.get(action=Action.QUESTIONS_IMPORTED)
    assert entry.details == {
        "file": "bank.gift.txt",
        "format": "gift",
        "category": "Ngân hàng",
        "questions": 4,
        "categories": {"Ngân hàng": 2, "X": 2},
    }
