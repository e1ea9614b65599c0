from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Migrations after which Wagtail's reference index of lessons must be rebuilt: they rewrite
# lesson bodies while the index's signal handlers are off (Wagtail turns them off for
# migrations).
REINDEX_LESSONS_AFTER = {("courses", "0009_placements_by_chooser")}


def index_lessons_after_migration(plan=None, **kwargs):
    """Wagtail's usage view and "which courses place this quiz" read the reference index."""
    applied = {(migration.app_label, migration.name) for migration, backwards in plan or ()}
    if not applied & REINDEX_LESSONS_AFTER:
        return
    from django.db import transaction
    from wagtail.models import ReferenceIndex

    from .models import LessonPage

    with transaction.atomic():
        for lesson in LessonPage.objects.iterator():
            ReferenceIndex.create_or_update_for_object(lesson)


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        post_migrate.connect(index_lessons_after_migration, sender=self)
