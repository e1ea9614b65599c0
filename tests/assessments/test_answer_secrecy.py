"""A script reading the attempt page cannot tell a right answer from a wrong one: choices are
posted as per-attempt tokens, shown in an order drawn with the system's randomness, and the
page and the autosave replies are the same whatever is right."""

import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from assessments import attempts
from assessments.models import Answer, Attempt, Question, QuestionCategory, Quiz, QuizQuestion
from assessments.versions import question_version
from tests.factories import PASSWORD, OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db

ATTEMPTS = 60
QUESTIONS = 12
CHOICES = 4


@pytest.fixture
def keyed_first(dien_bien):
    """A quiz as authors and GIFT files usually write it: every right answer written first, so
    it has the lowest id. Single choice, four choices each."""
    category = QuestionCategory.from_path("Ngân hàng/Đáp án đầu tiên")
    quiz = Quiz.objects.create(
        slug="dap-an-dau",
        title="Đáp án đầu tiên",
        layout=Quiz.Layout.ALL,
        pass_mark=Decimal("80"),
    )
    for n in range(QUESTIONS):
        question = Question.objects.create(
            category=category, kind=Question.Kind.SINGLE, name=f"Câu {n}", text=f"<p>Câu {n}</p>"
        )
        for k in range(CHOICES):
            Answer.objects.create(
                question=question, text=f"Lựa chọn {n}.{k}", fraction=1 if k == 0 else 0
            )
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=n)
    return quiz


def choices_on_page(html):
    """{position: [input attributes in page order]} of the attempt page."""
    page = BeautifulSoup(html, "html.parser")
    shown = {}
    for field in page.select('input[type="radio"], input[type="checkbox"]'):
        position = int(re.fullmatch(r"q(\d+)", field["name"]).group(1))
        shown.setdefault(position, []).append(dict(field.attrs))
    return shown


def is_right(attempt, position, token):
    slot = attempt.slots.select_related("question_revision").get(position=position)
    answer_id = dict(slot.choices)[token]
    answers = {a.pk: a for a in question_version(slot.question_revision).answers.all()}
    return answers[answer_id].fraction > 0


STRATEGIES = {
    "first shown": lambda fields: fields[0]["value"],
    "last shown": lambda fields: fields[-1]["value"],
    "lowest value": lambda fields: min(field["value"] for field in fields),
    "highest value": lambda fields: max(field["value"] for field in fields),
    "shortest value": lambda fields: min((len(f["value"]), f["value"]) for f in fields)[1],
}


def test_a_script_picking_by_position_or_value_scores_at_chance(keyed_first):
    user = UserFactory(username="ke-gian-lan")
    OfficerFactory(user=user)
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    right = dict.fromkeys(STRATEGIES, 0)
    answer_ids = {str(pk) for pk in Answer.objects.values_list("pk", flat=True)}
    for _ in range(ATTEMPTS):
        response = client.post(reverse("quiz_start", args=[keyed_first.slug]))
        attempt = Attempt.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
        html = client.get(response.url).content.decode()
        shown = choices_on_page(html)
        assert len(shown) == QUESTIONS
        for position, fields in shown.items():
            # Nothing but the token tells one choice from another; no answer id anywhere.
            assert {tuple(sorted(field)) for field in fields} == {("name", "type", "value")}
            assert not {field["value"] for field in fields} & answer_ids
            for name, pick in STRATEGIES.items():
                right[name] += is_right(attempt, position, pick(fields))
        attempts.submit(attempt)
    trials = ATTEMPTS * QUESTIONS
    for name, count in right.items():
        # Chance is 1 in 4 (180 of 720 here); a script that beat it would score far above.
        # The bounds are more than five standard deviations (11.6) from chance.
        assert 120 <= count <= 240, f"{name}: {count} right of {trials}"


def test_the_order_shown_does_not_follow_the_order_written(keyed_first):
    officer = OfficerFactory()
    first_position_of_right = []
    for _ in range(ATTEMPTS):
        attempt = attempts.start_or_resume(officer, keyed_first)
        for slot in attempt.slots.select_related("question_revision"):
            answers = question_version(slot.question_revision).answers.all()
            right_id = next(a.pk for a in answers if a.fraction > 0)
            shown = [answer_id for _token, answer_id in slot.choices]
            first_position_of_right.append(shown.index(right_id))
        attempts.submit(attempt)
    counts = [first_position_of_right.count(position) for position in range(CHOICES)]
    assert all(120 <= count <= 240 for count in counts), counts


def test_tokens_are_new_for_every_attempt(keyed_first):
    officer = OfficerFactory()
    seen = set()
    for _ in range(5):
        attempt = attempts.start_or_resume(officer, keyed_first)
        tokens = {token for slot in attempt.slots.all() for token, _answer in slot.choices}
        assert len(tokens) == QUESTIONS * CHOICES
        assert not tokens & seen
        seen |= tokens
        attempts.submit(attempt)


def test_autosave_answers_the_same_to_a_right_and_a_wrong_choice(keyed_first):
    user = UserFactory(username="tra-loi-thu")
    officer = OfficerFactory(user=user)
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.post(reverse("quiz_start", args=[keyed_first.slug]))
    attempt = Attempt.objects.get(officer=officer)
    slot = attempt.slots.get(position=1)
    replies = []
    for token, _answer in slot.choices:
        reply = client.post(
            reverse("attempt_save", args=[attempt.pk]),
            {"positions": "1", "q1-shown": "1", "q1": token},
            HTTP_X_REQUESTED_WITH="fetch",
        )
        replies.append((reply.status_code, reply.content, sorted(reply.headers)))
    assert len(set(map(repr, replies))) == 1
    assert replies[0][:2] == (200, b'{"saved": true}')


def test_a_page_reloaded_shows_the_same_tokens_and_keeps_the_answer(keyed_first):
    user = UserFactory(username="tai-lai")
    OfficerFactory(user=user)
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    start = client.post(reverse("quiz_start", args=[keyed_first.slug]))
    first = choices_on_page(client.get(start.url).content.decode())
    attempt = Attempt.objects.get()
    token = first[3][2]["value"]
    client.post(
        reverse("attempt_save", args=[attempt.pk]), {"positions": "3", "q3-shown": "1", "q3": token}
    )
    again = choices_on_page(client.get(start.url).content.decode())
    assert [f["value"] for f in again[3]] == [f["value"] for f in first[3]]
    checked = [f["value"] for f in again[3] if "checked" in f]
    assert checked == [token]
