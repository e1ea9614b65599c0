"""Item analysis for trainers: facility, discrimination and answer frequencies per question."""

import io
import math
import random
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import analysis, attempts
from assessments.analysis import item_analysis
from assessments.models import (
    Attempt,
    Question,
    QuestionCategory,
    Quiz,
    QuizQuestion,
    QuizRandomDraw,
)
from tests.assessments.answering import chosen
from tests.assessments.test_attempts import make_question
from tests.factories import OfficerFactory, logged_in

pytestmark = pytest.mark.django_db

RIGHT = "Ban Cơ yếu Chính phủ"


def quiz_of(*questions, **rules):
    quiz = Quiz.objects.create(slug=f"quiz-{Quiz.objects.count()}", title="Kiểm tra", **rules)
    for order, question in enumerate(questions):
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=order)
    return quiz


def ids(question, *texts):
    return [answer.pk for answer in question.answers.all() if answer.text in texts]


@pytest.fixture
def bank(dien_bien):
    category = QuestionCategory.from_path("Ngân hàng/Chữ ký số")
    return {
        "category": category,
        "single": make_question(
            category,
            Question.Kind.SINGLE,
            "Ai cấp chứng thư?",
            [(RIGHT, 1), ("Bộ Công an", 0), ("UBND tỉnh", 0)],
        ),
        "multiple": make_question(
            category,
            Question.Kind.MULTIPLE,
            "Kiểm tra chữ ký số gồm?",
            [("Hiệu lực chứng thư", "0.5"), ("Toàn vẹn tệp", "0.5"), ("Màu mực", "-1")],
        ),
        "truefalse": make_question(
            category,
            Question.Kind.TRUE_FALSE,
            "Token mất phải báo thu hồi",
            [("Đúng", 1), ("Sai", 0)],
        ),
        "short": make_question(
            category,
            Question.Kind.SHORT,
            "Tên loại chữ ký dùng trong công vụ",
            [("chữ ký số chuyên dùng công vụ", 1)],
            accent_insensitive=True,
        ),
        "essay": make_question(category, Question.Kind.ESSAY, "Mô tả quy trình ký số", []),
    }


def sit(officer, quiz, responses, finish=True):
    """An attempt with the responses by position ({1: ["answer text"], 4: "typed text"})."""
    attempt = attempts.start_or_resume(officer, quiz, rng=random.Random(0))
    for slot in attempt.slots.select_related("question"):
        given = responses.get(slot.position)
        if given is None:
            continue
        if isinstance(given, str):
            response = {"text": given}
        else:
            response = chosen(attempt, slot.position, *given)
        attempts.save_response(attempt, slot.position, response)
    return attempts.submit(attempt) if finish else attempt


def mark_essays(attempt, awarded):
    """A trainer marks the attempt's essays; the attempt is then finished."""
    slots = list(attempt.slots.all())
    for slot in slots:
        if slot.awarded is None:
            slot.awarded = Decimal(awarded)
            slot.save(update_fields=["awarded"])
    attempt.score = sum(slot.awarded for slot in slots)
    attempt.percent = (attempt.score * 100 / attempt.max_score).quantize(Decimal("0.01"))
    attempt.passed = attempt.percent >= attempt.quiz.pass_mark
    attempt.state = Attempt.State.FINISHED
    attempt.save()
    return attempt


@pytest.fixture
def sittings(bank):
    """Four officers' finished attempts, with figures worked out by hand below.

    Marks (single, multiple, true/false, short) and totals:
      A: 1, 1,   1, 1 = 4    (100 %)
      B: 1, 0.5, 1, 1 = 3.5  (87.5 %)
      C: 0, 0,   0, 0 = 0    (0 %)
      D: 0, 1,   1, 0 = 2    (50 %)   D leaves the single choice and the short answer blank.
    E's attempt is still in progress and must not count.
    """
    quiz = quiz_of(bank["single"], bank["multiple"], bank["truefalse"], bank["short"])
    officers = [OfficerFactory() for _ in range(5)]
    both = ["Hiệu lực chứng thư", "Toàn vẹn tệp"]
    sit(officers[0], quiz, {1: [RIGHT], 2: both, 3: ["Đúng"], 4: "Chữ ký số chuyên dùng công vụ"})
    sit(
        officers[1],
        quiz,
        {1: [RIGHT], 2: ["Hiệu lực chứng thư"], 3: ["Đúng"], 4: " chu ky so  CHUYEN dung cong vu"},
    )
    sit(
        officers[2],
        quiz,
        {1: ["Bộ Công an"], 2: ["Hiệu lực chứng thư", "Màu mực"], 3: ["Sai"], 4: "chữ ký điện tử"},
    )
    sit(officers[3], quiz, {2: both, 3: ["Đúng"]})
    sit(officers[4], quiz, {1: ["UBND tỉnh"], 2: ["Màu mực"], 4: "gì đó"}, finish=False)
    return quiz


def by_name(result):
    return {item.question.name: item for item in result.questions}


def options(item):
    return [
        ("(no answer)" if o.no_answer else o.text, o.count, o.percent, o.fraction)
        for o in item.options
    ]


def test_quiz_figures_count_finished_attempts_only(sittings):
    result = item_analysis(sittings)
    assert (result.attempts, result.officers) == (4, 4)
    assert result.mean_percent == pytest.approx((100 + 87.5 + 0 + 50) / 4)
    assert result.median_percent == pytest.approx((50 + 87.5) / 2)
    assert result.pass_rate == pytest.approx(50)  # pass mark 80 %: A and B
    assert result.officers_passed == 2
    assert [item.position for item in result.questions] == [1, 2, 3, 4]
    assert all(item.attempts == 4 for item in result.questions)


def test_facility_and_standard_deviation_are_the_share_of_the_mark(sittings, bank):
    items = by_name(item_analysis(sittings))
    single = items[bank["single"].name]
    assert single.facility == pytest.approx(50)
    assert single.sd == pytest.approx(100 * math.sqrt(1 / 3))  # stdev of 1, 1, 0, 0
    assert items[bank["multiple"].name].facility == pytest.approx(62.5)  # 1, .5, 0, 1
    assert items[bank["truefalse"].name].facility == pytest.approx(75)
    assert items[bank["short"].name].facility == pytest.approx(50)


def test_discrimination_is_the_correlation_with_the_rest_of_the_attempt(sittings, bank):
    single = by_name(item_analysis(sittings))[bank["single"].name]
    # Item marks x = 1, 1, 0, 0; rest of the attempt y = 3, 2.5, 0, 2.
    # Deviations from the means (0.5 and 1.875): x .5 .5 -.5 -.5; y 1.125 .625 -1.875 .125.
    # Sxy = .5625 + .3125 + .9375 - .0625 = 1.75; Sxx = 1;
    # Syy = 1.265625 + .390625 + 3.515625 + .015625 = 5.1875.
    assert single.discrimination == pytest.approx(100 * 1.75 / math.sqrt(5.1875))
    assert single.discrimination == pytest.approx(76.835, abs=0.001)


def test_discrimination_is_blank_when_everyone_scores_the_same(bank):
    quiz = quiz_of(bank["single"], bank["truefalse"])
    for choice in (["Đúng"], ["Sai"]):
        sit(OfficerFactory(), quiz, {1: [RIGHT], 2: choice})
    items = by_name(item_analysis(quiz))
    assert items[bank["single"].name].facility == 100
    assert items[bank["single"].name].discrimination is None
    assert items[bank["truefalse"].name].discrimination is None  # the rest is constant


def test_choice_frequencies_list_every_answer_and_no_answer(sittings, bank):
    items = by_name(item_analysis(sittings))
    assert options(items[bank["single"].name]) == [
        (RIGHT, 2, 50, 1),
        ("Bộ Công an", 1, 25, 0),
        ("UBND tỉnh", 0, 0, 0),
        ("(no answer)", 1, 25, None),
    ]
    assert options(items[bank["multiple"].name]) == [
        ("Hiệu lực chứng thư", 4, 100, 0.5),
        ("Toàn vẹn tệp", 2, 50, 0.5),
        ("Màu mực", 1, 25, -1),
        ("(no answer)", 0, 0, None),
    ]


def test_short_answers_are_grouped_once_normalised_most_frequent_first(sittings, bank):
    short = by_name(item_analysis(sittings))[bank["short"].name]
    assert options(short) == [
        ("chu ky so chuyen dung cong vu", 2, 50, 1),
        ("chu ky dien tu", 1, 25, 0),
        ("(no answer)", 1, 25, None),
    ]
    assert short.other_responses == 0


def test_rare_short_answers_beyond_the_cap_are_only_counted(sittings, bank, monkeypatch):
    monkeypatch.setattr(analysis, "MAX_SHORT_RESPONSES", 1)
    short = by_name(item_analysis(sittings))[bank["short"].name]
    assert [o.text for o in short.options] == ["chu ky so chuyen dung cong vu", ""]
    assert short.other_responses == 1


def test_essays_count_once_marked_without_answer_frequencies(bank):
    quiz = quiz_of(bank["single"], bank["essay"])
    marked = sit(OfficerFactory(), quiz, {1: [RIGHT], 2: "Cắm token, ký."})
    mark_essays(marked, "0.5")
    sit(OfficerFactory(), quiz, {1: ["Bộ Công an"], 2: "Chưa biết"})  # waiting for marking
    result = item_analysis(quiz)
    assert result.attempts == 1
    essay = by_name(result)[bank["essay"].name]
    assert (essay.attempts, essay.marked, essay.facility, essay.options) == (1, 1, 50, [])


def test_random_draws_are_analysed_per_question(bank):
    pool = QuestionCategory.from_path("Ngân hàng/Rút ngẫu nhiên")
    for name in ("Hỏi 1", "Hỏi 2", "Hỏi 3"):
        make_question(pool, Question.Kind.SINGLE, name, [("Có", 1), ("Không", 0)])
    quiz = quiz_of(bank["single"])
    QuizRandomDraw.objects.create(quiz=quiz, category=pool, count=1)
    for seed in range(6):
        officer = OfficerFactory()
        attempt = attempts.start_or_resume(officer, quiz, rng=random.Random(seed))
        attempts.submit(attempt)
    drawn = Attempt.objects.filter(quiz=quiz).values_list("slots__question", flat=True)
    result = item_analysis(quiz)
    counts = {item.question.pk: item.attempts for item in result.questions}
    assert counts[bank["single"].pk] == 6
    assert sum(counts.values()) == 12
    assert counts == {pk: list(drawn).count(pk) for pk in set(drawn)}


def test_the_counted_attempt_follows_the_quizs_grading(bank):
    officer = OfficerFactory()
    quiz = quiz_of(bank["single"], grading=Quiz.Grading.FIRST)
    sit(officer, quiz, {1: ["Bộ Công an"]})
    sit(officer, quiz, {1: [RIGHT]})
    result = item_analysis(quiz)
    assert (result.attempts, result.officers, result.pass_rate) == (2, 1, 50)
    assert result.officers_passed == 0
    quiz.grading = Quiz.Grading.HIGHEST
    assert item_analysis(quiz).officers_passed == 1


def test_the_number_of_queries_does_not_grow_with_attempts(bank, django_assert_num_queries):
    quiz = quiz_of(bank["single"], bank["multiple"], bank["short"])
    officers = [OfficerFactory() for _ in range(3)]

    def queries():
        with CaptureQueriesContext(connection) as captured:
            item_analysis(quiz)
        return len(captured)

    for officer in officers:
        sit(officer, quiz, {1: [RIGHT], 3: "chu ky"})
    few = queries()
    for _ in range(9):
        for officer in officers:
            sit(officer, quiz, {1: ["Bộ Công an"], 2: ["Toàn vẹn tệp"]})
    assert Attempt.objects.filter(quiz=quiz, state=Attempt.State.FINISHED).count() == 30
    assert queries() == few
    with django_assert_num_queries(4):
        item_analysis(quiz)


# The admin pages


def test_only_users_who_may_change_quizzes_see_the_analysis(
    client, sittings, learner, hr_na_sang, trainer
):
    url = reverse("quiz_analysis", args=[sittings.pk])
    for user in (learner, hr_na_sang):  # no admin at all; admin without the quiz permission
        logged_in(client, user, "en")
        assert client.get(url).status_code in (302, 403)
        assert client.get(reverse("quiz_analysis_xlsx", args=[sittings.pk])).status_code in (
            302,
            403,
        )
        client.logout()
    response = logged_in(client, trainer, "en").get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Item analysis" in page
    assert "Ai cấp chứng thư?" in page
    assert "76.8" in page  # the discrimination index of the single choice question
    assert reverse("quiz_analysis_xlsx", args=[sittings.pk]) in page


def test_the_analysis_of_an_unknown_quiz_is_not_found(client, trainer):
    response = logged_in(client, trainer, "en").get(reverse("quiz_analysis", args=[999]))
    assert response.status_code == 404


def test_the_quiz_listing_and_editor_link_to_the_analysis(client, sittings, trainer):
    logged_in(client, trainer, "en")
    url = reverse("quiz_analysis", args=[sittings.pk])
    listing = client.get(reverse("wagtailsnippets_assessments_quiz:list"))
    assert url in listing.content.decode()
    editor = client.get(reverse("wagtailsnippets_assessments_quiz:edit", args=[sittings.pk]))
    assert editor.status_code == 200
    assert url in editor.content.decode()


def test_the_excel_file_holds_the_figures_as_numbers(client, sittings, trainer, bank):
    response = logged_in(client, trainer, "en").get(
        reverse("quiz_analysis_xlsx", args=[sittings.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Summary", "Questions", "Responses"]
    title = [row[0] for row in workbook["Summary"].iter_rows(max_row=2, values_only=True)]
    assert title[0] == f"Item analysis: {sittings.title}" and title[1].startswith("Generated at")
    summary = {row[0]: row[1] for row in table(workbook["Summary"])}
    assert summary["Finished attempts"] == 4
    assert summary["Officers"] == 4
    assert summary["Mean score (%)"] == pytest.approx(59.375)
    assert summary["Attempts passed (%)"] == pytest.approx(50)

    questions = table(workbook["Questions"])
    assert questions[0][:5] == ("Position", "Question", "Kind", "Attempts", "Facility index (%)")
    single = questions[1]
    assert single[:4] == (1, "Ai cấp chứng thư?", "Single choice", 4)
    assert single[4] == pytest.approx(50)
    assert single[6] == pytest.approx(100 * 1.75 / math.sqrt(5.1875))

    responses = table(workbook["Responses"])
    assert (1, "Ai cấp chứng thư?", RIGHT, 1, 2, 50) in responses
    assert (1, "Ai cấp chứng thư?", "(no answer)", None, 1, 25) in responses
    assert (4, bank["short"].name, "chu ky so chuyen dung cong vu", 1, 2, 50) in responses


def table(sheet):
    """The rows under the title block (two lines and a blank row), header row first."""
    return list(sheet.iter_rows(min_row=4, values_only=True))


def test_a_typed_answer_that_looks_like_a_formula_stays_text(client, bank, trainer):
    quiz = quiz_of(bank["short"])
    sit(OfficerFactory(), quiz, {1: '=HYPERLINK("http://example.com","x")'})
    response = logged_in(client, trainer, "en").get(reverse("quiz_analysis_xlsx", args=[quiz.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Responses"]
    cell = sheet.cell(row=5, column=3)
    assert cell.data_type == "s"
    assert cell.value.startswith("'=hyperlink")


def test_answers_are_counted_as_the_attempts_were_drawn_after_an_edit(bank):
    quiz = quiz_of(bank["single"])
    for _ in range(2):
        sit(OfficerFactory(), quiz, {1: ["Bộ Công an"]})
    question = bank["single"]
    wrong = question.answers.get(text="Bộ Công an")
    question.answers.filter(pk=wrong.pk).delete()  # removed from the question since
    question.answers.filter(text="UBND tỉnh").update(text="Ủy ban nhân dân tỉnh")
    question.save_revision().publish()

    [item] = item_analysis(quiz).questions
    counts = {option.text: option.count for option in item.options if not option.no_answer}
    assert counts["Bộ Công an"] == 2
    assert "UBND tỉnh" in counts and "Ủy ban nhân dân tỉnh" not in counts
