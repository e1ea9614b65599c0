"""Trainers write course pages; reviewers approve them before they go live.

Trainers may add and edit pages under the site's home page but not publish; reviewers may
publish. Submitting a page starts the "course content review" workflow, whose one task is
approved by the Reviewer group.
"""

from django.db import migrations

TASK_NAME = "Duyệt nội dung khóa học"
WORKFLOW_NAME = "Quy trình duyệt nội dung khóa học"
GRANTS = {
    "Trainer": ["add_page", "change_page"],
    "Reviewer": ["add_page", "change_page", "publish_page"],
}


def set_up_authoring(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Site = apps.get_model("wagtailcore", "Site")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    home = site.root_page
    for group_name, codenames in GRANTS.items():
        group = Group.objects.get(name=group_name)
        for codename in codenames:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)

    task_type, _created = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task, _created = GroupApprovalTask.objects.get_or_create(
        name=TASK_NAME, defaults={"content_type": task_type, "active": True}
    )
    task.groups.set([Group.objects.get(name="Reviewer")])
    workflow, created = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    if created:
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})


def remove_authoring(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=WORKFLOW_NAME).delete()
    apps.get_model("wagtailcore", "Task").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_skill_tags"),
        ("officers", "0004_reviewer_role"),
        ("home", "0002_create_homepage"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(set_up_authoring, remove_authoring)]
