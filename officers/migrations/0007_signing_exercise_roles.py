from django.db import migrations

from officers.roles import sync_role_groups


def sync_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("officers", "0006_marking_roles"),
        ("assessments", "0003_signing_exercises"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
