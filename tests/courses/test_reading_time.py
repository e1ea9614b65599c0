"""A lesson counts as done only after the officer opened it and spent its minimum reading time
with it, measured on the server; a course can require its lessons in order."""

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from certification.models import Certificate
from courses import progress
from courses.models import Enrolment, LessonCompletion, LessonVisit
from tests.courses.conftest import add_course, text

pytestmark = pytest.mark.django_db

WORDS_300 = " ".join(["chữ"] * 300)


@pytest.fixture
def course(track):
    """Three lessons in order: about 300, 150 and 30 words, the second with a 4-minute video;
    certificates on completion."""
    video = {
        "type": "video",
        "value": {"url": "https://youtu.be/aaaaaaaaaaa", "title": "Ký số", "minutes": 4},
    }
    return add_course(
        track,
        "Chữ ký số",
        "Ký văn bản.",
        [
            ("Bài một", [text(f"<p>{WORDS_300}</p>")], False),
            ("Bài hai", [text(f"<p>{WORDS_300[: 150 * 4]}</p>"), video], False),
            ("Bài ba", [text("<p>" + " ".join(["từ"] * 30) + "</p>")], False),
        ],
        lessons_in_order=True,
        issues_certificate=True,
    )


def lessons(course):
    return list(course.lessons())


def done_url(lesson):
    return reverse("lesson_done", args=[lesson.pk])


def test_the_minimum_comes_from_the_words_and_the_videos(course, settings):
    settings.LESSON_READING_WORDS_PER_MINUTE = 300
    first, second, third = lessons(course)
    # Title and text: 302 words at 300 a minute, rounded up to the second.
    assert progress.minimum_reading_seconds(first) == 61
    assert 30 < progress.minimum_reading_seconds(second) - 4 * 60 <= 32
    settings.LESSON_READING_WORDS_PER_MINUTE = 600
    assert progress.minimum_reading_seconds(first) == 31


def test_a_trainer_sets_the_minimum_of_a_lesson_and_a_setting_turns_it_off(course, settings):
    first, *_ = lessons(course)
    first.minimum_minutes = 7
    assert progress.minimum_reading_seconds(first) == 7 * 60
    first.minimum_minutes = 0
    assert progress.minimum_reading_seconds(first) == 0
    first.minimum_minutes = None
    settings.LESSON_MINIMUM_TIME = False
    assert progress.minimum_reading_seconds(first) == 0


def test_a_lesson_never_opened_cannot_be_done(course, officer):
    first, *_ = lessons(course)
    with pytest.raises(progress.LessonNotReady) as refused:
        progress.record_lesson_done(officer, first)
    assert refused.value.readiness.reason == progress.Readiness.NOT_OPENED
    assert not LessonCompletion.objects.exists()


def test_done_too_early_is_refused_with_the_time_left_then_allowed(course, officer):
    first, *_ = lessons(course)
    opened = timezone.now()
    progress.record_lesson_opened(officer, first, None, now=opened)
    minimum = progress.minimum_reading_seconds(first)

    with pytest.raises(progress.LessonNotReady) as refused:
        progress.record_lesson_done(officer, first, now=opened + timedelta(seconds=20))
    assert refused.value.readiness.reason == progress.Readiness.TOO_EARLY
    assert refused.value.readiness.seconds_left == minimum - 20
    assert not LessonCompletion.objects.exists()

    progress.record_lesson_done(officer, first, now=opened + timedelta(seconds=minimum))
    assert LessonCompletion.objects.filter(officer=officer, lesson=first).exists()


def test_opening_again_does_not_restart_the_clock(course, officer):
    first, *_ = lessons(course)
    opened = timezone.now() - timedelta(minutes=5)
    progress.record_lesson_opened(officer, first, None, now=opened)
    progress.record_lesson_opened(officer, first, None, now=opened + timedelta(minutes=4))
    progress.record_lesson_done(officer, first, now=opened + timedelta(minutes=5))
    assert LessonVisit.objects.get(officer=officer, lesson=first).opened_at == opened


def test_the_attack_three_posts_last_lesson_first_gives_nothing(course, officer, officer_client):
    for lesson in reversed(lessons(course)):
        response = officer_client.post(done_url(lesson))
        assert response.status_code == 302
    assert not LessonCompletion.objects.exists()
    assert not Enrolment.objects.filter(officer=officer, completed_at__isnull=False).exists()
    assert not Certificate.objects.exists()


def test_pressing_done_early_on_the_page_says_how_long_is_left(course, officer, officer_client):
    first, *_ = lessons(course)
    page = officer_client.get(first.url)
    form = BeautifulSoup(page.content.decode(), "html.parser").find("form", action=done_url(first))
    minimum = progress.minimum_reading_seconds(first)
    # The page knows the wait too, for its script to show a countdown.
    assert minimum - 2 <= int(form["data-seconds-left"]) <= minimum

    response = officer_client.post(done_url(first), follow=True)

    assert response.redirect_chain[-1][0] == first.url
    # About a minute left, rounded up: "… mark it done in 2 minutes. Your progress is kept."
    message = BeautifulSoup(response.content.decode(), "html.parser").select_one(".messages")
    assert re.search(
        r"có thể đánh dấu đã học xong sau [12] phút nữa\. Tiến độ học .* vẫn được giữ",
        message.get_text(),
    )
    assert not LessonCompletion.objects.exists()


def test_done_after_reading_on_the_page_goes_on_to_the_next_lesson(course, officer, officer_client):
    first, second, _third = lessons(course)
    officer_client.get(first.url)
    LessonVisit.objects.filter(officer=officer, lesson=first).update(
        opened_at=timezone.now() - timedelta(minutes=2)
    )
    response = officer_client.post(done_url(first))
    assert response.url == second.url
    assert LessonCompletion.objects.filter(officer=officer, lesson=first).exists()


def test_in_order_a_later_lesson_waits_for_the_earlier_ones(course, officer, officer_client):
    first, second, third = lessons(course)
    page = officer_client.get(third.url).content.decode()
    assert first.title in page
    assert "Bài ba" in page and " ".join(["từ"] * 30) not in page  # the body is not shown
    assert not LessonVisit.objects.filter(lesson=third).exists()  # no clock started
    assert not BeautifulSoup(page, "html.parser").find("form", action=done_url(third))

    response = officer_client.post(done_url(third))
    assert response.url == first.url
    assert not LessonCompletion.objects.exists()


def test_in_order_opening_every_lesson_at_once_and_waiting_gives_only_the_first(course, officer):
    start = timezone.now() - timedelta(hours=1)
    for lesson in lessons(course):
        progress.record_lesson_opened(officer, lesson, None, now=start)
    first, second, third = lessons(course)
    with pytest.raises(progress.LessonNotReady) as refused:
        progress.record_lesson_done(officer, third)
    assert refused.value.readiness.earlier_lesson == first
    done_at = timezone.now()
    progress.record_lesson_done(officer, first, now=done_at)
    with pytest.raises(progress.LessonNotReady):
        progress.record_lesson_done(officer, third, now=done_at)
    # The second lesson's reading time counts from the first one's "done", not from the hour
    # it has been open: lessons are read one after the other.
    with pytest.raises(progress.LessonNotReady) as refused:
        progress.record_lesson_done(officer, second, now=done_at + timedelta(seconds=10))
    minimum = progress.minimum_reading_seconds(second)
    assert refused.value.readiness.seconds_left == minimum - 10
    progress.record_lesson_done(officer, second, now=done_at + timedelta(seconds=minimum))


def test_optional_lessons_never_wait_for_the_order(track, officer):
    course = add_course(
        track,
        "Có bài đọc thêm",
        "Tóm tắt.",
        [("Bắt buộc", [text("<p>Một.</p>")], False), ("Đọc thêm", [text("<p>Hai.</p>")], True)],
        lessons_in_order=True,
    )
    required, optional = lessons(course)
    progress.record_lesson_opened(officer, optional, None, now=timezone.now() - timedelta(hours=1))
    progress.record_lesson_done(officer, optional)
    assert LessonCompletion.objects.filter(lesson=optional).exists()


def test_a_course_in_any_order_takes_its_lessons_in_any_order(track, officer):
    course = add_course(
        track,
        "Tự do",
        "Tóm tắt.",
        [("Một", [text("<p>Một.</p>")], False), ("Hai", [text("<p>Hai.</p>")], False)],
    )
    first, second = lessons(course)
    progress.record_lesson_opened(officer, second, None, now=timezone.now() - timedelta(hours=1))
    progress.record_lesson_done(officer, second)
    assert LessonCompletion.objects.filter(lesson=second).exists()


def test_the_time_spent_counts_the_gaps_the_server_hears_each_capped(course, officer):
    first, *_ = lessons(course)
    start = timezone.now() - timedelta(hours=2)
    progress.record_lesson_opened(officer, first, None, now=start)
    for minute in (1, 2, 3):
        progress.record_lesson_seen(officer, first, now=start + timedelta(minutes=minute))
    # Away for an hour, then back: the gap counts as ten minutes at most.
    progress.record_lesson_opened(officer, first, None, now=start + timedelta(minutes=63))
    progress.record_lesson_done(officer, first, now=start + timedelta(minutes=64))
    visit = LessonVisit.objects.get(officer=officer, lesson=first)
    assert visit.seconds_spent == (3 + 10 + 1) * 60


def test_a_lesson_opened_again_within_a_minute_is_not_written_and_its_time_still_counts(
    course, officer
):
    first, *_ = lessons(course)
    start = timezone.now() - timedelta(hours=1)
    progress.record_lesson_opened(officer, first, None, now=start)
    # Reloaded after 40 s: nothing written (the page is read over and over without a write) …
    progress.record_lesson_opened(officer, first, None, now=start + timedelta(seconds=40))
    visit = LessonVisit.objects.get(officer=officer, lesson=first)
    assert (visit.last_seen_at, visit.seconds_spent) == (start, 0)
    # … and what is heard next counts the time since the opening, the reload's included.
    progress.record_lesson_opened(officer, first, None, now=start + timedelta(seconds=100))
    visit.refresh_from_db()
    assert (visit.last_seen_at, visit.seconds_spent) == (start + timedelta(seconds=100), 100)


def test_the_reading_signal_counts_time_and_needs_a_post(course, officer, officer_client):
    first, *_ = lessons(course)
    officer_client.get(first.url)
    LessonVisit.objects.update(last_seen_at=timezone.now() - timedelta(seconds=60))
    url = reverse("lesson_seen", args=[first.pk])
    assert officer_client.get(url).status_code == 405
    assert officer_client.post(url).status_code == 204
    assert 59 <= LessonVisit.objects.get().seconds_spent <= 61


def test_taking_the_course_again_needs_the_lesson_read_again(course, officer):
    first, *_ = lessons(course)
    long_ago = timezone.now() - timedelta(days=800)
    progress.record_lesson_opened(officer, first, None, now=long_ago)
    enrolment = progress.record_lesson_done(officer, first, now=long_ago + timedelta(hours=1))
    Enrolment.objects.filter(pk=enrolment.pk).update(round_started_at=timezone.now())
    enrolment.refresh_from_db()
    with pytest.raises(progress.LessonNotReady) as refused:
        progress.record_lesson_done(officer, first)
    assert refused.value.readiness.reason == progress.Readiness.NOT_OPENED
    progress.record_lesson_opened(officer, first, enrolment)
    visit = LessonVisit.objects.get(officer=officer, lesson=first)
    assert visit.opened_at >= enrolment.round_started_at


def test_a_trainers_preview_starts_no_clock(course, trainer, client):
    from tests.factories import PASSWORD

    first, *_ = lessons(course)
    assert client.login(username=trainer.username, password=PASSWORD)
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[first.pk]))
    assert response.status_code == 200
    assert not LessonVisit.objects.exists()
