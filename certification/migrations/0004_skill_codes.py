"""Each certificate points to the set of skill codes its snapshot lists (SkillCodes), so the
competency matrix maps a few sets to skills instead of comparing every certificate's list."""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 900  # ids per UPDATE: SQLite limits query parameters


def codes_text(skills):
    # As certification.models.skill_codes_text today; a migration keeps its own copy.
    codes = {item.get("code") for item in skills or () if isinstance(item, dict)}
    return " ".join(sorted(code for code in codes if isinstance(code, str) and code))


def point_certificates_to_their_codes(apps, schema_editor):
    Certificate = apps.get_model("certification", "Certificate")
    SkillCodes = apps.get_model("certification", "SkillCodes")
    ids_by_codes = {}
    rows = Certificate.objects.order_by().values_list("pk", "skills")
    for pk, skills in rows.iterator(chunk_size=2000):
        ids_by_codes.setdefault(codes_text(skills), []).append(pk)
    for text, ids in ids_by_codes.items():
        codes = SkillCodes.objects.get_or_create(codes=text)[0]
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            Certificate.objects.filter(pk__in=batch).update(skill_codes=codes)


class Migration(migrations.Migration):
    dependencies = [("certification", "0002_squashed_0003_issuer_and_pdf_facts")]

    operations = [
        migrations.CreateModel(
            name="SkillCodes",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "codes",
                    models.CharField(max_length=1000, unique=True, verbose_name="skill codes"),
                ),
            ],
            options={
                "verbose_name": "set of skill codes",
                "verbose_name_plural": "sets of skill codes",
            },
        ),
        migrations.AddField(
            model_name="certificate",
            name="skill_codes",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="certification.skillcodes",
                verbose_name="skill codes",
            ),
        ),
        migrations.RunPython(point_certificates_to_their_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="skill_codes",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="certification.skillcodes",
                verbose_name="skill codes",
            ),
        ),
    ]
