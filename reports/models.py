from django.db import models
from django.utils.translation import gettext_lazy as _

# What every report view checks; the data shown is scoped to the user's area on top of it.
SEE_REPORTS = "reports.view_reports"


class Report(models.Model):
    """No table: the holder of the permission to see the training reports, which HR and
    administrators are given (officers.roles). The reports show officers' results, so they need
    a permission of their own rather than borrowing the right to view officer records."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("report")
        verbose_name_plural = _("Reports")
        permissions = [("view_reports", _("Can see the training reports"))]

    def __str__(self):
        return str(self._meta.verbose_name)
