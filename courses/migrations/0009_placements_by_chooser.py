"""Lessons place quizzes and signing exercises with Wagtail's snippet chooser: each stored
"quiz_slug" / "exercise_slug" becomes the id of the quiz or exercise it named, in the lessons
and in every revision of them (a draft published later must not bring the old form back). An
identifier that named nothing becomes an empty choice, which the editor then asks to fill.

Wagtail's reference index, from which "which lessons place this quiz" is read, is brought up
to date after the migration (courses.apps.index_lessons_after_migration).
"""

import json

from django.db import migrations, models
from django.db.models.functions import Cast

PLACEMENTS = {
    # block type: (old key, new key, model)
    "quiz": ("quiz_slug", "quiz", "quiz"),
    "signing_exercise": ("exercise_slug", "exercise", "signingexercise"),
}


def _convert(stream, ids, forwards):
    changed = False
    for block in stream:
        placement = PLACEMENTS.get(block.get("type"))
        if placement is None or not isinstance(block.get("value"), dict):
            continue
        old_key, new_key, model_name = placement
        value = block["value"]
        if forwards and old_key in value:
            value[new_key] = ids[model_name].get(value.pop(old_key) or "")
            changed = True
        elif not forwards and new_key in value:
            value[old_key] = ids[model_name].get(value.pop(new_key), "")
            changed = True
    return changed


def _convert_body(body, ids, forwards):
    """The body with its placements converted, or None when nothing changed. Page rows hold
    the stream as a list; revisions hold it as a JSON string."""
    stream = json.loads(body) if isinstance(body, str) else body
    if not isinstance(stream, list) or not _convert(stream, ids, forwards):
        return None
    return json.dumps(stream) if isinstance(body, str) else stream


def _migrate(apps, forwards):
    ids = {}
    for model_name in ("quiz", "signingexercise"):
        rows = apps.get_model("assessments", model_name).objects.values_list("slug", "pk")
        ids[model_name] = dict(rows) if forwards else {pk: slug for slug, pk in rows}
    LessonPage = apps.get_model("courses", "LessonPage")
    # The stored JSON as text: read as a StreamField it would go through today's blocks.
    stored = LessonPage.objects.annotate(stored=Cast("body", models.TextField()))
    for pk, text in stored.values_list("pk", "stored").iterator():
        body = _convert_body(json.loads(text or "[]"), ids, forwards)
        if body is not None:
            LessonPage.objects.filter(pk=pk).update(body=body)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    lesson_type = ContentType.objects.filter(app_label="courses", model="lessonpage").first()
    if lesson_type is None:
        return
    for revision in Revision.objects.filter(content_type=lesson_type).iterator():
        content = revision.content
        if not isinstance(content, dict) or "body" not in content:
            continue
        body = _convert_body(content["body"], ids, forwards)
        if body is not None:
            content["body"] = body
            Revision.objects.filter(pk=revision.pk).update(content=content)


def forwards(apps, schema_editor):
    _migrate(apps, forwards=True)


def backwards(apps, schema_editor):
    _migrate(apps, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0008_versions_and_reading"),
        ("assessments", "0007_choices_only"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
