"""A small course catalogue built with Wagtail's page API, and helpers to grow it.

Home page (the default site's root)
└── Danh mục khóa học (CatalogueIndexPage)
    └── Chữ ký số và văn bản điện tử (TrackPage)
        ├── Chữ ký số chuyên dùng công vụ (CoursePage, 4 lessons, the last one optional)
        └── Dịch vụ công trực tuyến (CoursePage, 3 lessons)
"""

import itertools
from dataclasses import dataclass

import pytest
from django.test import Client
from wagtail.models import Site

from courses import progress
from courses.models import (
    CatalogueIndexPage,
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    TrackPage,
)
from tests.courses.reading import read
from tests.factories import PASSWORD, OfficerFactory

SIGNATURE_TEXT = "<p>Chữ ký số chuyên dùng công vụ do Ban Cơ yếu Chính phủ cấp.</p>"
PUBLIC_SERVICE_TEXT = "<p>Đăng ký tài khoản trên Cổng Dịch vụ công quốc gia bằng VNeID.</p>"

_slugs = itertools.count(1)


def text(html):
    return {"type": "text", "value": html}


def procedure(title, *steps):
    return {
        "type": "procedure",
        "value": {
            "title": title,
            "steps": [{"text": step, "screenshot": None} for step in steps],
        },
    }


def callout(html, kind="tip"):
    return {"type": "callout", "value": {"kind": kind, "text": html}}


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def add_course(track, title, summary, lessons, **kwargs):
    """Add and publish a course with its lessons: (title, body, optional) tuples. Taken in any
    order unless asked (`lessons_in_order=True`; the platform's default is in order)."""
    kwargs.setdefault("lessons_in_order", False)
    course = track.add_child(
        instance=CoursePage(
            title=title, slug=f"khoa-hoc-{next(_slugs)}", summary=summary, live=False, **kwargs
        )
    )
    publish(course)
    for lesson_title, body, optional in lessons:
        add_lesson(course, lesson_title, body, optional=optional)
    return course


def add_lesson(course, title, body, *, optional=False, live=True):
    lesson = course.add_child(
        instance=LessonPage(
            title=title, slug=f"bai-{next(_slugs)}", body=body, optional=optional, live=False
        )
    )
    if live:
        return publish(lesson)
    lesson.save_revision()
    return lesson


def lesson_body(n):
    return [
        text(f"<p>Bài số {n}. {SIGNATURE_TEXT}</p>"),
        procedure(f"Các bước {n}", "<p>Cắm USB token</p>", "<p>Nhập mã PIN</p>"),
        callout("<p>Không đưa mã PIN cho người khác.</p>"),
    ]


@dataclass
class Catalogue:
    index: CatalogueIndexPage
    track: TrackPage
    signature: CoursePage
    public_service: CoursePage

    def lessons(self, course):
        return list(course.lessons())


@pytest.fixture
def home_page(db):
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def track(home_page):
    """A published catalogue index with one published, still empty, track."""
    index = home_page.add_child(
        instance=CatalogueIndexPage(title="Danh mục khóa học", slug="khoa-hoc", live=False)
    )
    publish(index)
    track = index.add_child(
        instance=TrackPage(
            title="Chữ ký số và văn bản điện tử",
            slug="chu-ky-so",
            summary="Ký số, gửi nhận văn bản điện tử.",
            live=False,
        )
    )
    return publish(track)


@pytest.fixture
def catalogue(track):
    signature = add_course(
        track,
        "Chữ ký số chuyên dùng công vụ",
        "Dùng chữ ký số do Ban Cơ yếu Chính phủ cấp để ký văn bản.",
        [
            (
                "Chữ ký số là gì",
                [text(SIGNATURE_TEXT), callout("<p>Giữ USB token cẩn thận.</p>")],
                False,
            ),
            (
                "Ký số tệp PDF",
                [
                    text("<p>Dùng phần mềm vSignPDF.</p>"),
                    procedure("Ký số tệp PDF", "<p>Cắm USB token</p>", "<p>Chọn tệp PDF</p>"),
                    callout("<p>Kiểm tra chữ ký sau khi ký.</p>"),
                ],
                False,
            ),
            (
                "Gia hạn chứng thư số",
                [callout("<p>Thông tư 16/2019/TT-BQP.</p>", kind="law")],
                False,
            ),
            ("Đọc thêm: lịch sử chữ ký điện tử", [text("<p>Tài liệu tham khảo.</p>")], True),
        ],
    )
    public_service = add_course(
        track,
        "Dịch vụ công trực tuyến",
        "Hướng dẫn người dân nộp hồ sơ trực tuyến.",
        [
            ("Đăng ký tài khoản", [text(PUBLIC_SERVICE_TEXT)], False),
            (
                "Nộp hồ sơ",
                [procedure("Nộp hồ sơ", "<p>Chọn thủ tục</p>", "<p>Tải tệp lên</p>")],
                False,
            ),
            ("Theo dõi hồ sơ", [text("<p>Tra cứu tình trạng hồ sơ.</p>")], False),
        ],
    )
    return Catalogue(track.get_parent().specific, track, signature, public_service)


@pytest.fixture
def officer(learner):
    """The learner's officer profile (Xã Na Sang)."""
    return learner.officer


@pytest.fixture
def officer_client(learner):
    client = Client()
    assert client.login(username=learner.username, password=PASSWORD)
    return client


@pytest.fixture
def grow(dien_bien):
    """Return a function that grows a track to a size, for tests that compare sizes.

    grow(track, courses=6, lessons=8, officers=50) adds courses to the track until it has
    `courses`, tops every course up to `lessons` published lessons, and adds officers until
    `officers` extra officers exist, each enrolled in every course of the track with about half of
    its lessons done and the middle lesson as the last one opened. Returns the track's courses.
    """
    extra_officers = []

    def grow_to(track, *, courses, lessons, officers):
        existing = list(CoursePage.objects.child_of(track).order_by("path"))
        for _ in range(courses - len(existing)):
            n = next(_slugs)
            existing.append(add_course(track, f"Khóa học bổ sung {n}", f"Tóm tắt {n}.", []))
        for course in existing:
            for n in range(course.lessons().count(), lessons):
                add_lesson(course, f"Bài học {n + 1}", lesson_body(n + 1))
        extra_officers.extend(OfficerFactory() for _ in range(officers - len(extra_officers)))
        for other in extra_officers:
            for course in existing:
                course_lessons = list(course.lessons())
                half = len(course_lessons) // 2
                Enrolment.objects.update_or_create(
                    officer=other,
                    course=course,
                    defaults={"source": Enrolment.Source.SELF, "last_lesson": course_lessons[half]},
                )
                LessonCompletion.objects.bulk_create(
                    [
                        LessonCompletion(officer=other, lesson=lesson)
                        for lesson in course_lessons[:half]
                    ],
                    ignore_conflicts=True,
                )
        return existing

    return grow_to


def enrol_with_progress(officer, courses, done_per_course=1):
    """Enrol the officer in each course and mark its first lessons done."""
    for course in courses:
        progress.enrol(officer, course)
        for lesson in list(course.lessons())[:done_per_course]:
            read(officer, lesson)
