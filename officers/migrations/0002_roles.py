"""The role groups, by name. What each role may do is not written here: officers.role_groups
gives every group the permissions of the role table after each migrate, so that replaying the
migrations never applies today's table to an old schema.

The groups are created here because later migrations refer to them (courses 0003 lets
trainers and reviewers edit pages and makes the Reviewer group approve them).
"""

from django.db import migrations

# The role groups' names are stable identifiers (officers.roles); the Reviewer role came later
# (0004) and is created here too, since nothing depends on its absence.
ROLE_GROUPS = ["Learner", "Trainer", "Reviewer", "HR", "Administrator"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    # Other apps' migrations were dependencies only while the roles' permissions were set here.
    dependencies = [
        ("officers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
