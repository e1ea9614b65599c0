"""Routing a request for a lesson in two queries.

Wagtail's default `Page.route` walks the tree one level at a time with two queries per level
(the child by slug, then its specific row): ten for a lesson under home › catalogue › track ›
course, the most requested pages of the site. A page's `url_path` is its parent's plus its slug
(Wagtail keeps it so on every save and move), so the lesson a path names is the one whose
`url_path` is the root's plus that path; it is fetched by it, then its course, which the lesson
page reads, with whether a page above it is off line. A path that names no lesson is routed the
default way.
"""

import functools

from django.db.models import Exists, Value
from django.http import Http404
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from toolkit.db import CompiledQuery

# What a lesson page reads of its course: its title and link, whether it is live and taken in
# order, and what Wagtail needs to know it is a course (content_type).
COURSE_FIELDS_READ = [
    "path",
    "depth",
    "title",
    "url_path",
    "live",
    "content_type",
    "lessons_in_order",
]


def _lesson_by_url_path(url_path, depth):
    from .models import LessonPage

    return LessonPage.objects.filter(url_path=url_path, depth=depth).order_by()[:1]


# A url_path names one page of the whole tree (slugs are unique among siblings): no need to ask
# for the descendants of root as well.
LESSON_BY_URL_PATH = CompiledQuery(_lesson_by_url_path, "\0url_path", 2_147_000_001)


def _course_with_hidden_ancestors(course_path, *between):
    from .models import CoursePage

    hidden = Exists(Page.objects.filter(path__in=between, live=False)) if between else Value(False)
    return (
        CoursePage.objects.filter(path=course_path)
        .only(*COURSE_FIELDS_READ)
        .annotate(hidden=hidden)
        .order_by()[:1]
    )


@functools.cache
def course_with_hidden_ancestors(pages_between):
    """The query of a course with whether one of the `pages_between` pages above it (root
    excluded) is off line, by their paths."""
    placeholders = [f"\0between{n}" for n in range(pages_between)]
    return CompiledQuery(_course_with_hidden_ancestors, "\0course_path", *placeholders)


def route_to_lesson(root, path_components, levels):
    """The RouteResult of the lesson `path_components` name below `root`, or None when they
    name no lesson. `levels`: how many levels below `root` lessons are; any other path is left
    to the default routing without a query. A lesson that is not live, or below a page that is
    not live, is a 404, as Wagtail's."""
    from .models import LessonPage

    if len(path_components) != levels:
        return None
    url_path = root.url_path + "".join(f"{component}/" for component in path_components)
    lesson = LESSON_BY_URL_PATH.first(url_path, root.depth + levels)
    if lesson is None:
        return None
    if not lesson.live:
        raise Http404
    # Wagtail's routing answers 404 below any page that is not live (a course or a track taken
    # off line with its lessons left live): the pages between root and course are checked in
    # the query that fetches the course, which reads only what a lesson page shows of it (any
    # other field is loaded when read).
    step = LessonPage.steplen
    between = [lesson.path[: step * depth] for depth in range(root.depth + 1, lesson.depth - 1)]
    query = course_with_hidden_ancestors(len(between))
    course = query.first(lesson.path[:-step], *between)
    if course is None or not course.live or course.hidden:
        raise Http404
    # As Page.route does at each level, so that lesson.get_parent() costs no query.
    lesson._cached_parent_obj = course
    return RouteResult(lesson)
