"""Versions of what trainers write in the question bank, kept as Wagtail revisions.

A question's live version is its published revision (the database row holds the same
content). An attempt keeps the revision of each question it drew and grades and reviews from
it, so editing the question later changes neither. Nothing reaches learners before a reviewer
approves it: a change to a live question is a draft until approved, and a new question goes
live when a reviewer approves it or approves a quiz that draws it (`publish_new_questions_of`).
"""

from django.db import transaction
from django.db.models import Q
from wagtail.models import Revision

from .models import Question, Quiz


def live_revision(obj):
    """The revision of `obj`'s live version. Rows saved by code rather than published through
    Wagtail (bulk loads, rows older than versioning) get one made from the live row, once."""
    if obj.live_revision_id is None:
        revision = Revision.objects.create(
            content_object=obj,
            base_content_type=obj.get_base_content_type(),
            content=obj.serializable_data(),
            object_str=str(obj),
        )
        model = type(obj)
        model.objects.filter(pk=obj.pk, live_revision=None).update(live_revision=revision)
        # Another request may have made one first: everyone uses the one that was stored.
        obj.live_revision_id = model.objects.values_list("live_revision", flat=True).get(pk=obj.pk)
        if obj.live_revision_id == revision.pk:
            obj.live_revision = revision
        else:
            obj.live_revision = Revision.objects.get(pk=obj.live_revision_id)
    return obj.live_revision


def question_version(revision):
    """The question as `revision` holds it, with its answers, built without a query."""
    return Question.from_serializable_data(revision.content, check_fks=False)


class QuestionVersions:
    """Question versions by revision, each built once (the slots of many attempts share them)."""

    def __init__(self):
        self._built = {}

    def __call__(self, revision):
        if revision.pk not in self._built:
            self._built[revision.pk] = question_version(revision)
        return self._built[revision.pk]


def new_questions_drawn_by(quiz):
    """Questions never approved yet among those `quiz` shows: its fixed questions and the
    questions of the categories it draws from. `quiz` may be unsaved (a form's instance)."""
    fixed = [item.question_id for item in quiz.fixed_questions.all()]
    categories = [draw.category_id for draw in quiz.random_draws.all()]
    return Question.awaiting_first_approval().filter(
        Q(pk__in=fixed) | Q(category_id__in=categories)
    )


@transaction.atomic
def publish_new_questions_of(quiz_pk, revision, user):
    """Publish the new questions of a quiz that has just gone live with `revision` (nothing
    when publishing was only scheduled: they go live with the quiz). The approving user is
    recorded in each question's history."""
    quiz = Quiz.objects.get(pk=quiz_pk)
    if not quiz.live or quiz.live_revision_id != revision.pk:
        return
    for question in new_questions_drawn_by(quiz).order_by("pk"):
        # A never-published question's row is its latest content (Wagtail saves drafts of
        # objects that are not live to the row).
        draft = question.save_revision(user=user, clean=False)
        draft.publish(user=user, skip_permission_checks=True)
