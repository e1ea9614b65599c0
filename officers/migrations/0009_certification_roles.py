from django.db import migrations

from officers.roles import sync_role_groups


def sync_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("officers", "0008_procedure_account_requested"),
        ("certification", "0001_initial"),
        ("procedure_system", "0001_initial"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
