from django.db import migrations

from officers.roles import sync_role_groups


def sync_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("officers", "0005_question_bank_roles"), ("assessments", "0002_marking")]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
