"""Questions, quizzes and signing exercises go through the same review workflow as course pages:
a trainer's change is a draft until a reviewer approves it.

Wagtail creates the publish, lock and unlock permissions of such snippets after migrating;
they are created here so the roles can have them now. Written out in full (not read from
officers.roles), so that replaying this migration always grants the same.
"""

from django.db import migrations

MODELS = {"question": "question", "quiz": "quiz", "signingexercise": "signing exercise"}
GRANTS = {
    "Trainer": [("lock", model) for model in MODELS],
    "Reviewer": [
        (action, model)
        for model in MODELS
        for action in ("view", "change", "publish", "lock", "unlock")
    ]
    + [("view", "questioncategory")],
    "Administrator": [
        (action, model) for model in MODELS for action in ("publish", "lock", "unlock")
    ],
}
WORKFLOW_NAME = "Quy trình duyệt nội dung khóa học"


def _permission(apps, action, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(
        app_label="assessments", model=model
    )
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename=f"{action}_{model}",
        defaults={"name": f"Can {action} {MODELS.get(model, model)}"},
    )
    return permission


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group_name, wanted in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            group.permissions.add(*[_permission(apps, *pair) for pair in wanted])
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is not None:
        for model in MODELS:
            content_type = _permission(apps, "view", model).content_type
            WorkflowContentType.objects.update_or_create(
                content_type=content_type, defaults={"workflow": workflow}
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, wanted in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="assessments",
                    codename__in=[f"{action}_{model}" for action, model in wanted],
                )
            )
    apps.get_model("wagtailcore", "WorkflowContentType").objects.filter(
        content_type__app_label="assessments", content_type__model__in=list(MODELS)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("officers", "0010_media_collection_permissions"),
        ("assessments", "0007_choices_only"),
        ("courses", "0003_authoring_workflow"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
