"""Questions, quizzes and signing exercises are versioned with Wagtail revisions and reviewed;
attempts keep the version of each question they drew, and show choices under tokens.

Every existing question, quiz and exercise was live: each gets a first revision of its present
content, published. Each slot of an existing attempt points at its question's revision and
gets a token for each of its choices. An attempt in progress without questions (possible before
unfillable quizzes were refused) is closed: it never counted and can no longer be resumed.
"""

import secrets

from django.db import migrations
from django.utils import timezone
from modelcluster.models import get_serializable_data_for_fields

BATCH = 2000
CHILDREN = {
    "question": {"answers": ("answer", "question")},
    "quiz": {
        "fixed_questions": ("quizquestion", "quiz"),
        "random_draws": ("quizrandomdraw", "quiz"),
    },
    "signingexercise": {},
}


def _first_revisions(apps, now):
    """Publish a first revision of each object's present content; {model: {pk: revision id}}."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    made = {}
    for model_name, children in CHILDREN.items():
        model = apps.get_model("assessments", model_name)
        content_type, _created = ContentType.objects.get_or_create(
            app_label="assessments", model=model_name
        )
        made[model_name] = {}
        for obj in model.objects.all().iterator():
            content = get_serializable_data_for_fields(obj)
            for accessor, (child_name, parent_field) in children.items():
                child_model = apps.get_model("assessments", child_name)
                rows = child_model.objects.filter(**{parent_field: obj}).order_by("sort_order", "pk")
                content[accessor] = [get_serializable_data_for_fields(row) for row in rows]
            revision = Revision.objects.create(
                content_type=content_type,
                base_content_type=content_type,
                object_id=str(obj.pk),
                created_at=now,
                object_str=str(getattr(obj, "title", "") or getattr(obj, "name", "")),
                content=content,
            )
            model.objects.filter(pk=obj.pk).update(
                live=True,
                has_unpublished_changes=False,
                latest_revision=revision,
                live_revision=revision,
                first_published_at=now,
                last_published_at=now,
            )
            made[model_name][obj.pk] = revision.pk
    return made


def version_existing(apps, schema_editor):
    now = timezone.now()
    revisions = _first_revisions(apps, now)
    Attempt = apps.get_model("assessments", "Attempt")
    AttemptQuestion = apps.get_model("assessments", "AttemptQuestion")
    slots = []
    for slot in AttemptQuestion.objects.only("pk", "question_id", "answer_order").iterator():
        slot.question_revision_id = revisions["question"][slot.question_id]
        slot.choices = [[secrets.token_urlsafe(9), answer_id] for answer_id in slot.answer_order]
        slots.append(slot)
        if len(slots) == BATCH:
            AttemptQuestion.objects.bulk_update(slots, ["question_revision", "choices"])
            slots = []
    AttemptQuestion.objects.bulk_update(slots, ["question_revision", "choices"])
    quiz_revisions = revisions["quiz"]
    for quiz_id, revision_id in quiz_revisions.items():
        Attempt.objects.filter(quiz_id=quiz_id).update(quiz_revision_id=revision_id)
    Attempt.objects.filter(state="in_progress", slots__isnull=True).update(
        state="void", submitted_at=now
    )


def unversion(apps, schema_editor):
    AttemptQuestion = apps.get_model("assessments", "AttemptQuestion")
    for slot in AttemptQuestion.objects.only("pk", "choices").iterator():
        slot.answer_order = [answer_id for _token, answer_id in slot.choices]
        slot.save(update_fields=["answer_order"])
    apps.get_model("assessments", "Attempt").objects.filter(state="void").update(
        state="in_progress", submitted_at=None
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0005_versions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(version_existing, unversion)]
