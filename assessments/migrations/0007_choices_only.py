import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assessments", "0006_version_existing")]

    operations = [
        migrations.RemoveField(model_name="attemptquestion", name="answer_order"),
        migrations.AlterField(
            model_name="attemptquestion",
            name="question_revision",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.revision",
            ),
        ),
    ]
