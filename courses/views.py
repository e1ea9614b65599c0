"""Learner views: thin; the rules are in progress.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from toolkit.text import fold

from . import progress
from .models import CoursePage, Enrolment, LessonPage


def _officer_or_403(request):
    officer = progress.officer_of(request.user)
    if officer is None:
        raise PermissionDenied(_("Only officers can take courses."))
    return officer


def _tell_prerequisites_missing(request, courses):
    messages.error(
        request,
        _("Complete these courses first: %(courses)s.")
        % {"courses": ", ".join(course.title for course in courses)},
    )


@login_required
def my_courses(request):
    officer = progress.officer_of(request.user)
    courses = progress.dashboard(officer) if officer else []
    return render(request, "courses/my_courses.html", {"courses": courses, "officer": officer})


@login_required
@require_POST
def enrol(request, course_id):
    officer = _officer_or_403(request)
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    missing = progress.missing_prerequisites(officer, course)
    if missing:
        _tell_prerequisites_missing(request, missing)
        return redirect(course.url)
    progress.enrol(officer, course)
    messages.success(request, _("You are enrolled in “%(course)s”.") % {"course": course.title})
    first = course.lessons().first()
    return redirect(first.url if first else course.url)


def not_ready_message(readiness):
    """What the officer is told when a lesson cannot be marked done yet."""
    if readiness.reason == progress.Readiness.EARLIER_LESSON:
        return _("This course is taken in order: finish “%(lesson)s” first.") % {
            "lesson": readiness.earlier_lesson.title
        }
    if readiness.reason == progress.Readiness.NOT_OPENED:
        return _("Read the lesson before marking it done.")
    minutes = -(-readiness.seconds_left // 60)
    return ngettext(
        "Take a little more time with this lesson: you can mark it done in %(minutes)d "
        "minute. Your progress is kept.",
        "Take a little more time with this lesson: you can mark it done in %(minutes)d "
        "minutes. Your progress is kept.",
        minutes,
    ) % {"minutes": minutes}


@login_required
@require_POST
def lesson_done(request, lesson_id):
    officer = _officer_or_403(request)
    lesson = get_object_or_404(LessonPage.objects.available().public(), pk=lesson_id)
    was_complete = Enrolment.objects.filter(
        officer=officer, course_id=lesson.course.pk, completed_at__isnull=False
    ).exists()
    try:
        enrolment = progress.record_lesson_done(officer, lesson)
    except progress.PrerequisitesMissing as missing:
        _tell_prerequisites_missing(request, missing.courses)
        return redirect(lesson.course.url)
    except progress.LessonNotReady as not_ready:
        messages.warning(request, not_ready_message(not_ready.readiness))
        earlier = not_ready.readiness.earlier_lesson
        return redirect(earlier.url if earlier else lesson.url)
    if enrolment.completed_at and not was_complete:
        messages.success(
            request,
            _("Congratulations! You have completed “%(course)s”.")
            % {"course": enrolment.course.title},
        )
        return redirect("my_courses")
    following = (
        LessonPage.objects.sibling_of(lesson).live().filter(path__gt=lesson.path).order_by("path")
    ).first()
    return redirect(following.url if following else enrolment.course.url)


@login_required
@require_POST
def lesson_seen(request, lesson_id):
    """The open lesson page's signal, about once a minute, that the officer is reading."""
    officer = _officer_or_403(request)
    lesson = get_object_or_404(LessonPage.objects.available().public(), pk=lesson_id)
    progress.record_lesson_seen(officer, lesson)
    return HttpResponse(status=204)


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    words = fold(query).split()
    courses, lessons = [], []
    if words:
        course_filter = CoursePage.objects.live().public()
        lesson_filter = LessonPage.objects.available()
        for word in words:
            course_filter = course_filter.filter(search_text__contains=word)
            lesson_filter = lesson_filter.filter(search_text__contains=word)
        courses = list(course_filter.order_by("title")[:20])
        lessons = list(lesson_filter.public().order_by("path")[:30])
    return render(
        request, "courses/search.html", {"query": query, "courses": courses, "lessons": lessons}
    )
