from django.db import migrations

from officers.roles import sync_role_groups


def sync_roles(apps, schema_editor):
    # HR and administrators read the audit log (officers.roles.AUDIT).
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("officers", "0009_certification_roles"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
