"""A small, hand-countable training record in two communes of Điện Biên.

Officers (HR accounts are officers too and count as such):

    Xã Na Sang (03172):    hr.nasang, Lò Văn Một (A1), Quàng Thị Hai (A2), Lường Văn Ba (A3)
    Xã Mường Tùng (03181): hr.muongtung, Cà Thị Bốn (B1), Tòng Văn Năm (B2), Lò Thị Sáu (B3)
    Tỉnh Điện Biên (11):   hr.dienbien, admin.dienbien (provincial staff, no training)

One track, "Chữ ký số và văn bản điện tử", with two courses: SIG "Chữ ký số chuyên dùng công vụ"
(issues certificates; its lesson places quiz q-chu-ky-so) and PUB "Dịch vụ công trực tuyến"
(its lesson places quiz q-dich-vu-cong). Quiz q-khao-sat is placed nowhere.

Enrolments (today = the test's date):

    A1  SIG completed two months ago       PUB completed this month
    A2  SIG overdue (deadline yesterday)   PUB in progress, no deadline
    A3  SIG in progress (deadline +30 d)
    B1  SIG completed this month           PUB completed last month
    B2  SIG overdue (deadline −10 d)
    B3  SIG completed last month           PUB completed this month

    Na Sang:    4 officers, 3 enrolled, 5 enrolments, 2 completed (40.0 %, red),   1 overdue
    Mường Tùng: 4 officers, 3 enrolled, 5 enrolments, 4 completed (80.0 %, green), 1 overdue
    SIG only:   Na Sang 3/1 (33.3 %, red, 1 overdue); Mường Tùng 3/2 (66.7 %, amber, 1 overdue)
    PUB only:   Na Sang 2/1 (50.0 %, amber);          Mường Tùng 2/2 (100.0 %, green)
    Completions per month: this month 3, last month 2, two months ago 1.

Certificates of SIG (now = the test's moment):

    A1  valid, expires in 400 days (plus an older superseded one, left out)   -> valid
    A2  expired (recorded)                                                   -> expired
    A3  valid but past its expiry two days ago (the task has not run yet)    -> expired
    B1  valid, expires in 30 days                                            -> expiring
    B2  revoked                                                              -> revoked
    B3  valid, expires in 91 days (just outside the window)                  -> valid

    Na Sang: valid 1, expiring 0, expired 2, revoked 0; certified officers 1
    Mường Tùng: valid 1, expiring 1, expired 0, revoked 1; certified officers 2

Procedure-system accounts: A1, B1, B3 confirmed; A2 only requested (not confirmed).
    Link rate: Na Sang 1/4 = 25.0 %, Mường Tùng 2/4 = 50.0 %.

Quiz attempts (finished unless said otherwise; score in %):

    q-chu-ky-so (highest, pass 80):  A1 60, 90 · A2 50 · B1 85, 70 · B2 one in progress
    q-dich-vu-cong (last, pass 70):  A1 80, 60 · B3 65, 75 · B1 one waiting for marking
    q-khao-sat (first, pass 50):     A3 40, 90 · B3 55

    q-chu-ky-so:    5 attempts, 3 officers, 2 passed (A1, B1), 66.7 %, average (90+50+85)/3 = 75.0
    q-dich-vu-cong: 4 attempts, 2 officers, 1 passed (B3), 50.0 %, average (60+75)/2 = 67.5
    q-khao-sat:     3 attempts, 2 officers, 1 passed (B3), 50.0 %, average (40+55)/2 = 47.5
"""

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import Site
from wagtail.users.models import UserProfile

from assessments.models import Attempt, Quiz
from certification.models import Certificate
from courses.models import (
    CatalogueIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonVisit,
    TrackPage,
)
from officers.models import JobPosition
from tests.factories import PASSWORD, OfficerFactory, unit

_numbers = itertools.count(1)


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def quiz_lesson(course, quiz_slug):
    n = next(_numbers)
    return publish(
        course,
        LessonPage(
            title=f"Bài kiểm tra {n}",
            slug=f"bai-kiem-tra-{n}",
            body=[
                {"type": "text", "value": "<p>Làm bài kiểm tra.</p>"},
                {
                    "type": "quiz",
                    "value": {"introduction": "", "quiz": Quiz.objects.get(slug=quiz_slug).pk},
                },
            ],
        ),
    )


def months_ago(now, months):
    """Noon on the 1st of the month `months` before now's (local time); now itself for 0."""
    if months == 0:
        return now
    local = timezone.localtime(now).date()
    index = local.year * 12 + local.month - 1 - months
    day = datetime.date(index // 12, index % 12 + 1, 1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def attempt(quiz, officer, number, score, *, state=Attempt.State.FINISHED, at=None):
    at = at or timezone.now() - datetime.timedelta(days=20 - number)
    finished = state == Attempt.State.FINISHED
    return Attempt.objects.create(
        quiz=quiz,
        officer=officer,
        number=number,
        state=state,
        started_at=at - datetime.timedelta(minutes=15),
        submitted_at=at if state != Attempt.State.IN_PROGRESS else None,
        max_score=Decimal("10"),
        score=Decimal(score) / 10 if finished else None,
        percent=Decimal(score) if finished else None,
        passed=(Decimal(score) >= quiz.pass_mark) if finished else None,
    )


def certificate(officer, course, status, expires_at, issued_days_ago=300):
    return Certificate.objects.create(
        officer=officer,
        course=course,
        course_title=course.title,
        issued_at=timezone.now() - datetime.timedelta(days=issued_days_ago),
        expires_at=expires_at,
        status=status,
    )


@dataclass
class Record:
    track: TrackPage
    signature: CoursePage
    public_service: CoursePage
    officers: dict
    quizzes: dict
    certificates: dict = field(default_factory=dict)
    now: datetime.datetime = None
    today: datetime.date = None


@pytest.fixture
def record(hr_na_sang, hr_muong_tung, hr_province, administrator):
    now = timezone.now()
    today = timezone.localdate()
    home = Site.objects.get(is_default_site=True).root_page
    catalogue = publish(home, CatalogueIndexPage(title="Danh mục khóa học", slug="khoa-hoc"))
    track = publish(
        catalogue, TrackPage(title="Chữ ký số và văn bản điện tử", slug="chu-ky-so-van-ban")
    )
    signature = publish(
        track,
        CoursePage(
            title="Chữ ký số chuyên dùng công vụ",
            slug="chu-ky-so",
            summary="Ký số văn bản.",
            issues_certificate=True,
            lessons_in_order=False,
        ),
    )
    public_service = publish(
        track,
        CoursePage(
            title="Dịch vụ công trực tuyến",
            slug="dich-vu-cong",
            summary="Nộp hồ sơ trực tuyến.",
            lessons_in_order=False,
        ),
    )
    quizzes = {
        "sig": Quiz.objects.create(
            slug="q-chu-ky-so", title="Kiểm tra chữ ký số", grading=Quiz.Grading.HIGHEST
        ),
        "pub": Quiz.objects.create(
            slug="q-dich-vu-cong",
            title="Kiểm tra dịch vụ công",
            grading=Quiz.Grading.LAST,
            pass_mark=Decimal("70"),
        ),
        "survey": Quiz.objects.create(
            slug="q-khao-sat",
            title="Khảo sát đầu vào",
            grading=Quiz.Grading.FIRST,
            pass_mark=Decimal("50"),
        ),
    }
    quiz_lesson(signature, "q-chu-ky-so")
    quiz_lesson(public_service, "q-dich-vu-cong")

    na_sang, muong_tung = unit("03172"), unit("03181")
    clerk = JobPosition.objects.get(code="van-thu")
    officers = {
        "A1": OfficerFactory(
            full_name="Lò Văn Một", unit=na_sang, job_position=clerk, procedure_account="a1.nasang"
        ),
        "A2": OfficerFactory(
            full_name="Quàng Thị Hai", unit=na_sang, procedure_account_requested="a2.nasang"
        ),
        "A3": OfficerFactory(full_name="Lường Văn Ba", unit=na_sang),
        "B1": OfficerFactory(
            full_name="Cà Thị Bốn", unit=muong_tung, job_position=clerk, procedure_account="b1.mt"
        ),
        "B2": OfficerFactory(full_name="Tòng Văn Năm", unit=muong_tung),
        "B3": OfficerFactory(full_name="Lò Thị Sáu", unit=muong_tung, procedure_account="b3.mt"),
    }
    o = officers

    def enrol(officer, course, *, completed=None, deadline=None):
        return Enrolment.objects.create(
            officer=officer,
            course=course,
            source=Enrolment.Source.ASSIGNED if deadline else Enrolment.Source.SELF,
            enrolled_at=now - datetime.timedelta(days=100),
            deadline=deadline,
            completed_at=completed,
        )

    day = datetime.timedelta(days=1)
    enrol(o["A1"], signature, completed=months_ago(now, 2), deadline=today - 5 * day)
    enrol(o["A1"], public_service, completed=months_ago(now, 0))
    enrol(o["A2"], signature, deadline=today - day)
    enrol(o["A2"], public_service)
    enrol(o["A3"], signature, deadline=today + 30 * day)
    enrol(o["B1"], signature, completed=months_ago(now, 0))
    enrol(o["B1"], public_service, completed=months_ago(now, 1))
    enrol(o["B2"], signature, deadline=today - 10 * day)
    enrol(o["B3"], signature, completed=months_ago(now, 1))
    enrol(o["B3"], public_service, completed=months_ago(now, 0))

    status = Certificate.Status
    certificates = {
        "A1 old": certificate(o["A1"], signature, status.SUPERSEDED, now + 10 * day, 800),
        "A1": certificate(o["A1"], signature, status.VALID, now + 400 * day),
        "A2": certificate(o["A2"], signature, status.EXPIRED, now - 10 * day),
        "A3": certificate(o["A3"], signature, status.VALID, now - 2 * day),
        "B1": certificate(o["B1"], signature, status.VALID, now + 30 * day),
        "B2": certificate(o["B2"], signature, status.REVOKED, now + 200 * day),
        "B3": certificate(o["B3"], signature, status.VALID, now + 91 * day),
    }

    sig, pub, survey = quizzes["sig"], quizzes["pub"], quizzes["survey"]
    attempt(sig, o["A1"], 1, 60)
    attempt(sig, o["A1"], 2, 90)
    attempt(sig, o["A2"], 1, 50)
    attempt(sig, o["B1"], 1, 85)
    attempt(sig, o["B1"], 2, 70)
    attempt(sig, o["B2"], 1, 0, state=Attempt.State.IN_PROGRESS)
    attempt(pub, o["A1"], 1, 80)
    attempt(pub, o["A1"], 2, 60)
    attempt(pub, o["B3"], 1, 65)
    attempt(pub, o["B3"], 2, 75)
    attempt(pub, o["B1"], 1, 0, state=Attempt.State.NEEDS_MARKING)
    attempt(survey, o["A3"], 1, 40)
    attempt(survey, o["A3"], 2, 90)
    attempt(survey, o["B3"], 1, 55)

    return Record(
        track=track,
        signature=signature,
        public_service=public_service,
        officers=officers,
        quizzes=quizzes,
        certificates=certificates,
        now=now,
        today=today,
    )


def client_for(user):
    """A signed-in client. The admin speaks English to it (the user's Wagtail language), so the
    labels these tests read stay as they are once the Vietnamese translations arrive; the data
    (names of units, officers, courses) stay Vietnamese."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def grow(record):
    """grow(n): add n officers to each of the two communes, each enrolled in both courses (some
    completed, some overdue) with time spent on their lessons, holding a certificate and with
    two quiz attempts: the reports must then run as many queries as before."""

    def grow_by(n):
        now, today = record.now, record.today
        lessons = list(
            LessonPage.objects.child_of(record.signature)
            | LessonPage.objects.child_of(record.public_service)
        )
        for code in ("03172", "03181"):
            for i in range(n):
                officer = OfficerFactory(unit=unit(code), procedure_account=f"grow{next(_numbers)}")
                for course in (record.signature, record.public_service):
                    Enrolment.objects.create(
                        officer=officer,
                        course=course,
                        source=Enrolment.Source.ASSIGNED,
                        deadline=today - datetime.timedelta(days=i % 3),
                        completed_at=now if i % 2 else None,
                    )
                for lesson in lessons:
                    LessonVisit.objects.create(
                        officer=officer,
                        lesson=lesson,
                        opened_at=now,
                        last_seen_at=now,
                        seconds_spent=60 * (i + 1),
                    )
                certificate(
                    officer,
                    record.signature,
                    Certificate.Status.VALID,
                    now + datetime.timedelta(days=30 * (i + 1)),
                )
                attempt(record.quizzes["sig"], officer, 1, 50 + i % 50)
                attempt(record.quizzes["pub"], officer, 1, 90 - i % 50)

    return grow_by
