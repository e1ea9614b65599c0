"""Questions, quizzes and signing exercises go through the same review workflow as course pages:
a trainer's change is a draft until a reviewer approves it.

This migration once also granted the roles the snippets' publish, lock and unlock permissions;
the role groups now get their permissions after every migrate (officers.role_groups), so only
attaching the workflow to the three snippet types is left.
"""

from django.db import migrations

MODELS = ("question", "quiz", "signingexercise")
WORKFLOW_NAME = "Quy trình duyệt nội dung khóa học"


def attach_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        return
    for model in MODELS:
        # Content types are normally created after migrating; the workflow needs them now.
        content_type, _created = ContentType.objects.get_or_create(
            app_label="assessments", model=model
        )
        WorkflowContentType.objects.update_or_create(
            content_type=content_type, defaults={"workflow": workflow}
        )


def detach_workflow(apps, schema_editor):
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

    operations = [migrations.RunPython(attach_workflow, detach_workflow)]
