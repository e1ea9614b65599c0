"""Question banks: categories, questions of five kinds, and their answers.

The kinds and their scoring follow Moodle's, so that a trainer's existing Moodle export
(GIFT or Moodle XML) imports without loss: an answer carries a fraction of the question's mark
(1 = right; 0.5 = half credit; negative = penalty in multiple choice).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)

from .rich_text import FEEDBACK_FEATURES, QUESTION_FEATURES


class ReviewedMixin(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin):
    """Wagtail's snippet versioning: a trainer's change is a draft (a revision) until a reviewer
    approves it through the course content review workflow; the database row is the live
    version."""

    class Meta:
        abstract = True

    @classmethod
    def live_objects(cls):
        return cls.objects.filter(live=True)

    @classmethod
    def awaiting_first_approval(cls):
        """Objects never published yet: new drafts that a reviewer has not approved."""
        return cls.objects.filter(live=False, first_published_at__isnull=True)


class QuestionCategory(models.Model):
    name = models.CharField(_("name"), max_length=255)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("parent"), FieldPanel("description")]

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unique_category_name"),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(parent__isnull=True),
                name="unique_top_category_name",
            ),
        ]

    def __str__(self):
        return self.path

    @property
    def path(self):
        """ "Iota/Kappa/Lambda": the names from the top category down."""
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "/".join(reversed(names))

    @classmethod
    def from_path(cls, path):
        """The category at "A/B/C", created with its parents when missing."""
        parent = None
        for name in [part.strip() for part in path.split("/") if part.strip()]:
            parent, _created = cls.objects.get_or_create(name=name[:255], parent=parent)
        return parent


class Question(ReviewedMixin, ClusterableModel):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "truefalse", _("True/false")
        SHORT = "short", _("Short answer")
        ESSAY = "essay", _("Essay")

    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=255)
    text = RichTextField(_("question text"), editor="question", features=QUESTION_FEATURES)
    general_feedback = RichTextField(
        _("general feedback"), blank=True, editor="question", features=QUESTION_FEATURES
    )
    default_mark = models.DecimalField(
        _("default mark"), max_digits=7, decimal_places=2, default=Decimal("1")
    )
    shuffle_answers = models.BooleanField(_("shuffle answers"), default=True)
    case_sensitive = models.BooleanField(
        _("case sensitive"), default=False, help_text=_("Short answers only.")
    )
    accent_insensitive = models.BooleanField(
        _("ignore Vietnamese accents"),
        default=False,
        help_text=_("Short answers only: “chu ky so” counts as “chữ ký số”."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    panels = [
        FieldPanel("category"),
        FieldPanel("kind"),
        FieldPanel("name"),
        FieldPanel("text"),
        InlinePanel("answers", label=_("Answers")),
        FieldPanel("general_feedback"),
        MultiFieldPanel(
            [
                FieldPanel("default_mark"),
                FieldPanel("shuffle_answers"),
                FieldPanel("case_sensitive"),
                FieldPanel("accent_insensitive"),
            ],
            heading=_("Options"),
        ),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category", "name", "pk"]

    def __str__(self):
        return self.name

    def get_preview_template(self, request, mode_name):
        return "assessments/preview/question.html"

    def get_preview_context(self, request, mode_name):
        shown = {"question": self, "answers": self.answers.all(), "new": False}
        return {**super().get_preview_context(request, mode_name), "shown": shown}


class Answer(models.Model):
    question = ParentalKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    text = models.TextField(_("answer"))
    fraction = models.DecimalField(
        _("share of the mark"),
        max_digits=8,
        decimal_places=7,
        validators=[MinValueValidator(Decimal("-1")), MaxValueValidator(Decimal("1"))],
        help_text=_("1 for a right answer, 0 for a wrong one; between for partial credit."),
    )
    feedback = RichTextField(
        _("feedback"), blank=True, editor="question", features=FEEDBACK_FEATURES
    )
    sort_order = models.PositiveIntegerField(default=0)

    panels = [FieldPanel("text"), FieldPanel("fraction"), FieldPanel("feedback")]

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.text[:80]


class QuestionFile(models.Model):
    """A file embedded in a question (e.g. a base64 image in Moodle XML)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    file = models.FileField(upload_to="questions/")

    class Meta:
        verbose_name = _("question file")
        verbose_name_plural = _("question files")

    def __str__(self):
        return self.name


class Quiz(ReviewedMixin, ClusterableModel):
    """A quiz placed in a lesson: fixed questions and/or questions drawn from categories."""

    class Grading(models.TextChoices):
        HIGHEST = "highest", _("Highest attempt")
        LAST = "last", _("Last attempt")
        FIRST = "first", _("First attempt")

    class Layout(models.TextChoices):
        ONE_PER_PAGE = "one", _("One question per page")
        ALL = "all", _("All questions on one page")

    slug = models.SlugField(
        _("identifier"),
        max_length=100,
        unique=True,
        help_text=_("Part of the quiz's address: /quizzes/<identifier>/."),
    )
    title = models.CharField(_("title"), max_length=255)
    introduction = models.TextField(_("introduction"), blank=True)
    pass_mark = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), default=0, help_text=_("0 means unlimited.")
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True
    )
    grading = models.CharField(
        _("grading method"), max_length=10, choices=Grading.choices, default=Grading.HIGHEST
    )
    layout = models.CharField(
        _("layout"), max_length=3, choices=Layout.choices, default=Layout.ONE_PER_PAGE
    )
    shuffle_answers = models.BooleanField(_("shuffle answers"), default=True)
    # What the learner sees after submitting, as Moodle's review options.
    review_score = models.BooleanField(_("show the score"), default=True)
    review_correctness = models.BooleanField(_("show whether each answer was right"), default=True)
    review_right_answers = models.BooleanField(_("show the right answers"), default=False)
    review_feedback = models.BooleanField(_("show feedback"), default=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("introduction"),
        InlinePanel("fixed_questions", label=_("Questions")),
        InlinePanel("random_draws", label=_("Random questions from a category")),
        MultiFieldPanel(
            [
                FieldPanel("pass_mark"),
                FieldPanel("max_attempts"),
                FieldPanel("time_limit_minutes"),
                FieldPanel("grading"),
                FieldPanel("layout"),
                FieldPanel("shuffle_answers"),
            ],
            heading=_("Rules"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("review_score"),
                FieldPanel("review_correctness"),
                FieldPanel("review_right_answers"),
                FieldPanel("review_feedback"),
            ],
            heading=_("After submission the learner sees"),
        ),
    ]

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_preview_template(self, request, mode_name):
        return "assessments/preview/quiz.html"

    def get_preview_context(self, request, mode_name):
        from .drawing import quiz_preview

        return {**super().get_preview_context(request, mode_name), **quiz_preview(self)}

    def publish(self, revision, user=None, **kwargs):
        """Publish the quiz, and with it the new questions it draws (a reviewer approving the
        quiz approves the questions it shows them in its preview)."""
        result = super().publish(revision, user=user, **kwargs)
        from .versions import publish_new_questions_of

        publish_new_questions_of(self.pk, revision, user)
        return result


class QuizQuestion(models.Model):
    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="fixed_questions")
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+"
    )
    sort_order = models.PositiveIntegerField(default=0, editable=False)

    panels = [FieldPanel("question")]

    class Meta:
        ordering = ["sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="question_once_per_quiz")
        ]

    def __str__(self):
        return str(self.question)


class QuizRandomDraw(models.Model):
    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="random_draws")
    category = models.ForeignKey(
        QuestionCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveSmallIntegerField(
        _("number of questions"), default=5, validators=[MinValueValidator(1)]
    )
    sort_order = models.PositiveIntegerField(default=0, editable=False)

    panels = [FieldPanel("category"), FieldPanel("count")]

    class Meta:
        ordering = ["sort_order"]

    def __str__(self):
        return f"{self.count} × {self.category}"


class Attempt(models.Model):
    """A sitting: created on the server with its drawn questions; graded once on submission."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        NEEDS_MARKING = "needs_marking", _("Waiting for marking")
        FINISHED = "finished", _("Finished")
        # Started without questions (a draw that could not be filled, before such quizzes
        # were refused): closed, never graded, and not counted against the attempts allowed.
        VOID = "void", _("Closed: it had no questions and does not count")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    # The version of the quiz the attempt was started on.
    quiz_revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("quiz version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    officer = models.ForeignKey(
        "officers.Officer", on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    state = models.CharField(max_length=15, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(_("time is up at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    score = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    max_score = models.DecimalField(max_digits=9, decimal_places=4, default=Decimal("0"))
    percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["quiz", "officer", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "officer", "number"], name="attempt_number_once"
            )
        ]

    def __str__(self):
        return f"{self.quiz} – {self.officer} #{self.number}"


class AttemptQuestion(models.Model):
    """One drawn question of an attempt, with the learner's response, kept as they go."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    # The version of the question it was drawn with: grading and review read this one, so
    # editing the question later changes neither (Wagtail keeps revisions attempts refer to).
    question_revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField()
    mark = models.DecimalField(max_digits=7, decimal_places=2)
    # The choices in the order shown, as [token, answer id]: the page posts the token, a
    # random string made for this attempt, so nothing sent to the phone tells one answer
    # from another.
    choices = models.JSONField(default=list)
    response = models.JSONField(null=True, blank=True)  # {"answers": [ids]} or {"text": "..."}
    saved_at = models.DateTimeField(null=True, blank=True)
    awarded = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    marker_comment = models.TextField(_("comment for the learner"), blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked"), null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="slot_position_once")
        ]

    def __str__(self):
        return f"{self.attempt} · {self.position}"


class SigningExercise(ReviewedMixin, models.Model):
    """A practical exercise: the learner signs a PDF and uploads it; the platform checks it."""

    slug = models.SlugField(
        _("identifier"),
        max_length=100,
        unique=True,
        help_text=_("Part of the exercise's address: /exercises/<identifier>/."),
    )
    title = models.CharField(_("title"), max_length=255)
    instructions = models.TextField(
        _("instructions"),
        help_text=_("What to sign and how. Shown to the learner above the upload form."),
    )
    trust_roots = models.TextField(
        _("trusted root certificates"),
        help_text=_(
            "One or more root certificates in PEM format, each from -----BEGIN CERTIFICATE----- "
            "to -----END CERTIFICATE-----. A signature passes only if its certificate was "
            "issued under one of them."
        ),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("instructions"),
        FieldPanel("trust_roots"),
    ]

    class Meta:
        verbose_name = _("signing exercise")
        verbose_name_plural = _("signing exercises")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_preview_template(self, request, mode_name):
        return "assessments/preview/exercise.html"

    def get_preview_context(self, request, mode_name):
        from .signatures import TrustRootError

        try:
            roots = [root.subject.human_friendly for root in self.certificates()]
        except TrustRootError:
            roots = []
        return {**super().get_preview_context(request, mode_name), "roots": roots}

    def clean(self):
        super().clean()
        from .signatures import TrustRootError, parse_trust_roots

        try:
            parse_trust_roots(self.trust_roots)
        except TrustRootError as error:
            messages = {
                "none": _(
                    "Paste at least one root certificate in PEM format, from "
                    "-----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----."
                ),
                "not_certificate": _(
                    "Block %(number)s is not a certificate (perhaps a key or a request). "
                    "Paste only certificates."
                ),
                "unreadable": _(
                    "Certificate %(number)s is not a valid PEM certificate. Paste it whole, "
                    "from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----."
                ),
            }
            invalid = ValidationError(
                messages[error.problem], code="invalid", params={"number": error.number}
            )
            raise ValidationError({"trust_roots": invalid}) from None

    def certificates(self):
        from .signatures import parse_trust_roots

        return parse_trust_roots(self.trust_roots)


def private_storage():
    """Storage no URL serves (settings.PRIVATE_ROOT); looked up when used, for tests."""
    return storages["private"]


class SigningSubmission(models.Model):
    """A PDF an officer uploaded for a signing exercise, and what the check found.

    Files are stored under an unguessable name and never linked: only the checks are shown,
    and only to the officer who uploaded them.
    """

    exercise = models.ForeignKey(
        SigningExercise,
        verbose_name=_("signing exercise"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    officer = models.ForeignKey(
        "officers.Officer",
        verbose_name=_("officer"),
        on_delete=models.CASCADE,
        related_name="signing_submissions",
    )
    file = models.FileField(
        _("file"), upload_to="signing-exercises/%Y/%m/", storage=private_storage
    )
    original_name = models.CharField(_("file name"), max_length=255)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    passed = models.BooleanField(_("passed"), default=False)
    checks = models.JSONField(_("checks"), default=list)  # SignatureReport.as_json()

    class Meta:
        verbose_name = _("signing submission")
        verbose_name_plural = _("signing submissions")
        ordering = ["exercise", "officer", "submitted_at", "pk"]
        indexes = [models.Index(fields=["exercise", "officer"], name="signing_submission_lookup")]

    def __str__(self):
        return f"{self.exercise} – {self.officer} ({self.submitted_at:%Y-%m-%d %H:%M})"
