"""0002 (which synchronised the role groups by importing officers.roles, now done after every
migrate by officers.role_groups) and 0003 in one. A fresh database runs this one; a database
that applied both has it marked as applied; the old files stay until every installation is
past 0003.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [("audit", "0002_roles"), ("audit", "0003_alter_auditentry_action")]

    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(choices=[('officers_imported', 'Officers imported'), ('officers_import_refused', 'Officer import refused'), ('questions_imported', 'Questions imported'), ('questions_import_refused', 'Question import refused'), ('certificate_revoked', 'Certificate revoked'), ('role_changed', 'Roles changed'), ('account_changed', 'Account changed (username or email)'), ('activation_code_issued', 'Activation code issued'), ('account_activated', 'Account activated with a code'), ('report_exported', 'Report exported'), ('api_token_created', 'API token created'), ('api_token_rotated', 'API token rotated'), ('api_token_revoked', 'API token revoked'), ('api_token_reactivated', 'API token reactivated'), ('login_locked_out', 'Login locked out')], db_index=True, max_length=40, verbose_name='action'),
        ),
    ]
