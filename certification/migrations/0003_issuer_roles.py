from django.db import migrations

from officers.roles import sync_role_groups


def sync_roles(apps, schema_editor):
    # Administrators edit the certificate issuers (officers.roles.CERTIFICATE_ISSUERS).
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0002_issuer_and_pdf_facts"),
        ("officers", "0011_question_bank_review"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
