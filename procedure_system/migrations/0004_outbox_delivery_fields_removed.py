from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('procedure_system', '0003_fill_the_feed'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='outboxevent',
            name='outbox_due',
        ),
        migrations.RemoveField(
            model_name='outboxevent',
            name='attempts',
        ),
        migrations.RemoveField(
            model_name='outboxevent',
            name='delivered_at',
        ),
        migrations.RemoveField(
            model_name='outboxevent',
            name='last_attempt_at',
        ),
        migrations.RemoveField(
            model_name='outboxevent',
            name='last_error',
        ),
        migrations.RemoveField(
            model_name='outboxevent',
            name='last_status',
        ),
        migrations.RemoveField(
            model_name='outboxevent',
            name='next_attempt_at',
        ),
        migrations.RemoveField(
            model_name='outboxevent',
            name='state',
        ),
        migrations.AddIndex(
            model_name='outboxevent',
            index=models.Index(condition=models.Q(('position__isnull', True)), fields=['subject_rank', 'created_at'], name='outbox_unsequenced'),
        ),
        migrations.AddConstraint(
            model_name='outboxevent',
            constraint=models.UniqueConstraint(fields=('subject', 'subject_rank'), name='outbox_subject_rank'),
        ),
        migrations.AlterField(
            model_name='outboxevent',
            name='subject',
            field=models.CharField(max_length=40, verbose_name='subject'),
        ),
        migrations.AlterField(
            model_name='outboxevent',
            name='subject_rank',
            field=models.PositiveIntegerField(verbose_name='rank within the subject'),
        ),
    ]
