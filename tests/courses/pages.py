"""Building a small catalogue with Wagtail's page API, for tests."""

from courses.models import CatalogueIndexPage, CoursePage, LessonPage, TrackPage
from home.models import HomePage


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_course(
    title="Chữ ký số chuyên dùng công vụ", lessons=3, slug_prefix="cks", lessons_in_order=False
):
    """A published course of `lessons` lessons. Taken in any order unless asked: tests of the
    order of lessons ask for it (the platform's default is in order)."""
    home = HomePage.objects.get()
    catalogue = CatalogueIndexPage.objects.first() or publish(
        home, CatalogueIndexPage(title="Khóa học", slug="khoa-hoc")
    )
    track = TrackPage.objects.filter(slug=f"{slug_prefix}-track").first() or publish(
        catalogue, TrackPage(title=f"Lộ trình {title}", slug=f"{slug_prefix}-track")
    )
    course = publish(
        track,
        CoursePage(
            title=title,
            slug=slug_prefix,
            summary=f"Khóa học {title}",
            lessons_in_order=lessons_in_order,
        ),
    )
    for n in range(1, lessons + 1):
        publish(
            course,
            LessonPage(
                title=f"Bài {n}",
                slug=f"{slug_prefix}-bai-{n}",
                body=[{"type": "text", "value": f"<p>Nội dung bài {n}.</p>"}],
            ),
        )
    return course
