"""Once synchronised the role groups by importing officers.roles, which replayed today's role
table on an old schema. The groups are now synchronised after every migrate
(officers.role_groups); this migration is kept, empty, for databases part-way through the ones
the squashed migration replaces, and for the migrations that depend on it. Its dependencies
on other apps went with the synchronisation they were there for.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("officers", "0004_reviewer_role")]
    operations = []
