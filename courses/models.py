"""The learning side: a catalogue of tracks, courses and lessons (Wagtail pages), and each
officer's enrolments, assignments and lesson progress."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.snippets.models import register_snippet

from officers.models import JobPosition, Officer
from toolkit.text import fold

from .blocks import LessonBodyBlock
from .routing import route_to_lesson


class CatalogueIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.TrackPage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalogue")

    def route(self, request, path_components):
        # Lessons are the pages most requested: found in two queries, not one level at a time.
        found = route_to_lesson(self, path_components, levels=3)  # track › course › lesson
        return found or super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        tracks = TrackPage.objects.child_of(self).live().public().specific()
        courses = CoursePage.objects.live().public().descendant_of(self).specific()
        by_track = {}
        for course in courses:
            by_track.setdefault(course.path[: -CoursePage.steplen], []).append(course)
        context["tracks"] = [(track, by_track.get(track.path, [])) for track in tracks]
        return context


class TrackPage(Page):
    """A learning track, e.g. public-service digital signatures."""

    summary = models.TextField(_("summary"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    parent_page_types = ["courses.CatalogueIndexPage"]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")


@register_snippet
class SkillTag(models.Model):
    """A skill a course teaches, from the national frameworks."""

    class Framework(models.TextChoices):
        IT_2014 = "IU", _("IT skills standard (Circular 03/2014/TT-BTTTT)")
        DIGITAL_2025 = "DS", _("Basic digital skills (Decision 757/QĐ-BKHCN, 2025)")

    framework = models.CharField(_("framework"), max_length=2, choices=Framework.choices)
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)

    panels = [FieldPanel("framework"), FieldPanel("code"), FieldPanel("name")]

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["framework", "code"]

    def __str__(self):
        return f"{self.code} – {self.name}"


class CoursePage(Page):
    class Level(models.TextChoices):
        BASIC = "basic", _("Basic")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    summary = models.TextField(_("summary"))
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default="basic")
    estimated_minutes = models.PositiveIntegerField(_("estimated duration (minutes)"), default=60)
    skill_tags = ParentalManyToManyField(SkillTag, verbose_name=_("skills"), blank=True)
    prerequisites = ParentalManyToManyField(
        "self", verbose_name=_("prerequisites"), blank=True, symmetrical=False
    )
    required_for_positions = ParentalManyToManyField(
        JobPosition,
        verbose_name=_("required for job positions"),
        blank=True,
        related_name="required_courses",
    )
    issues_certificate = models.BooleanField(
        _("issues a certificate"),
        default=False,
        help_text=_("Officers who complete the course receive a signed certificate."),
    )
    certificate_valid_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"),
        null=True,
        blank=True,
        default=24,
        help_text=_("Leave empty for a certificate that never expires."),
    )
    lessons_in_order = models.BooleanField(
        _("lessons in order"),
        default=True,
        help_text=_(
            "An officer opens a lesson only after finishing the required lessons before it."
        ),
    )
    search_text = models.TextField(editable=False, default="")

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("level"),
                FieldPanel("lessons_in_order"),
                FieldPanel("estimated_minutes"),
                FieldPanel("skill_tags"),
                FieldPanel("prerequisites"),
                FieldPanel("required_for_positions"),
            ],
            heading=_("Course details"),
        ),
        MultiFieldPanel(
            [FieldPanel("issues_certificate"), FieldPanel("certificate_valid_months")],
            heading=_("Certificate"),
        ),
    ]
    parent_page_types = ["courses.TrackPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def lessons(self):
        return LessonPage.objects.child_of(self).live().specific().order_by("path")

    def save(self, *args, **kwargs):
        self.search_text = fold(" ".join([self.title, self.summary]))
        super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from . import progress

        context = super().get_context(request, *args, **kwargs)
        officer = progress.officer_of(request.user)
        enrolment = (
            Enrolment.objects.filter(officer=officer, course=self).first() if officer else None
        )
        context["enrolment"] = enrolment
        context["lessons"] = progress.lessons_with_status(self, officer, enrolment)
        context["missing_prerequisites"] = (
            progress.missing_prerequisites(officer, self) if officer else []
        )
        return context


class LessonPageQuerySet(PageQuerySet):
    def available(self):
        """Live lessons of live courses: unpublishing a course takes its lessons away too."""
        course_path = Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * Page.steplen)
        return self.live().filter(Exists(CoursePage.objects.live().filter(path=course_path)))


class LessonPage(Page):
    summary = models.CharField(_("summary"), max_length=250, blank=True)
    estimated_minutes = models.PositiveIntegerField(_("estimated duration (minutes)"), default=15)
    optional = models.BooleanField(
        _("optional"),
        default=False,
        help_text=_("Optional lessons are not needed to complete the course."),
    )
    minimum_minutes = models.PositiveSmallIntegerField(
        _("minimum reading time (minutes)"),
        null=True,
        blank=True,
        help_text=_(
            "How long an officer must have the lesson open before marking it done. Leave "
            "empty to work it out from the lesson's length and its videos; 0 for none."
        ),
    )
    body = StreamField(LessonBodyBlock(), verbose_name=_("content"))
    search_text = models.TextField(editable=False, default="")

    objects = PageManager.from_queryset(LessonPageQuerySet)()

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("optional"),
        FieldPanel("minimum_minutes"),
        FieldPanel("body"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @cached_property
    def course(self):
        """The course this lesson belongs to (as a plain page: title, URL, live)."""
        return self.get_parent()

    def save(self, *args, **kwargs):
        body_text = " ".join(strip_tags(str(block.render())) for block in self.body)
        self.search_text = fold(" ".join([self.title, self.summary, body_text]))
        super().save(*args, **kwargs)

    def serve(self, request, *args, **kwargs):
        from django.contrib.auth.views import redirect_to_login

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not self.course.live:
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from . import progress

        context = super().get_context(request, *args, **kwargs)
        officer = progress.officer_of(request.user)
        # A trainer's preview is not the officer reading the lesson.
        record = not getattr(request, "is_preview", False)
        context.update(progress.lesson_context(self, officer, record=record))
        context["LESSON_BODY_CACHE_SECONDS"] = settings.LESSON_BODY_CACHE_SECONDS
        return context


class EnrolmentQuerySet(models.QuerySet):
    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(deadline__lt=today, completed_at__isnull=True)


class Enrolment(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("self-enrolled")
        ASSIGNED = "assigned", _("assigned")

    officer = models.ForeignKey(
        Officer, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.CASCADE, related_name="enrolments"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    enrolled_at = models.DateTimeField(_("enrolled"), default=timezone.now)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    assignment = models.ForeignKey(
        "Assignment",
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrolments",
    )
    last_lesson = models.ForeignKey(
        LessonPage,
        verbose_name=_("last lesson opened"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # A new round starts when the officer takes a completed course again to renew its
    # certificate; only work done since then counts. Empty during the first round.
    round_started_at = models.DateTimeField(_("current round started"), null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["officer", "course"], name="one_enrolment_per_course")
        ]
        indexes = [models.Index(fields=["course", "completed_at"])]

    def __str__(self):
        return f"{self.officer} – {self.course}"

    @property
    def is_overdue(self):
        return bool(
            self.deadline and not self.completed_at and self.deadline < timezone.localdate()
        )


class Assignment(models.Model):
    """HR assigns a course, with a deadline, to a unit, a job position or named officers.

    The officers it reaches are enrolled when it is made; their enrolments keep the deadline
    if they later move to another commune.
    """

    course = models.ForeignKey(CoursePage, verbose_name=_("course"), on_delete=models.CASCADE)
    deadline = models.DateField(_("deadline"))
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Everyone in this unit and the units under it."),
    )
    job_position = models.ForeignKey(
        JobPosition,
        verbose_name=_("job position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    officers = models.ManyToManyField(Officer, verbose_name=_("named officers"), blank=True)
    created_by = models.ForeignKey(
        "auth.User", verbose_name=_("assigned by"), null=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("assigned on"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self):
        return f"{self.course} – {self.deadline:%d/%m/%Y}"


class LessonVisit(models.Model):
    """An officer's time with a lesson, measured on the server: when they opened it in the
    current round (which starts the minimum reading time), when the server last heard from the
    open page, and the time spent on it in every round."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="lesson_visits")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="visits")
    opened_at = models.DateTimeField(_("opened"))
    last_seen_at = models.DateTimeField(_("last seen"))
    seconds_spent = models.PositiveIntegerField(_("time spent (seconds)"), default=0)

    class Meta:
        verbose_name = _("lesson visit")
        verbose_name_plural = _("lesson visits")
        constraints = [
            models.UniqueConstraint(fields=["officer", "lesson"], name="one_visit_per_lesson")
        ]

    def __str__(self):
        return f"{self.officer} – {self.lesson}"


class LessonCompletion(models.Model):
    officer = models.ForeignKey(
        Officer, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        constraints = [
            models.UniqueConstraint(fields=["officer", "lesson"], name="one_completion_per_lesson")
        ]

    def __str__(self):
        return f"{self.officer} – {self.lesson}"
