from django.db import migrations

from officers.roles import sync_role_groups


def sync_roles(apps, schema_editor):
    # Image and document permissions also granted on the root collection, where Wagtail looks.
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("officers", "0009_certification_roles"),
        ("audit", "0002_roles"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
