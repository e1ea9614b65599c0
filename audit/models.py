"""The audit log: who did which sensitive thing, when, from where, to what.

Entries are only ever added. The model refuses to save an existing row or delete one, and the
admin offers neither; what the database itself permits is a matter for its grants.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    OFFICERS_IMPORTED = "officers_imported", _("Officers imported")
    OFFICERS_IMPORT_REFUSED = "officers_import_refused", _("Officer import refused")
    QUESTIONS_IMPORTED = "questions_imported", _("Questions imported")
    QUESTIONS_IMPORT_REFUSED = "questions_import_refused", _("Question import refused")
    CERTIFICATE_REVOKED = "certificate_revoked", _("Certificate revoked")
    ROLE_CHANGED = "role_changed", _("Roles changed")
    ACCOUNT_CHANGED = "account_changed", _("Account changed (username or email)")
    ACTIVATION_CODE_ISSUED = "activation_code_issued", _("Activation code issued")
    ACCOUNT_ACTIVATED = "account_activated", _("Account activated with a code")
    REPORT_EXPORTED = "report_exported", _("Report exported")
    API_TOKEN_CREATED = "api_token_created", _("API token created")
    API_TOKEN_ROTATED = "api_token_rotated", _("API token rotated")
    API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
    API_TOKEN_REACTIVATED = "api_token_reactivated", _("API token reactivated")
    LOGIN_LOCKED_OUT = "login_locked_out", _("Login locked out")


class AuditEntryQuerySet(models.QuerySet):
    # Who may read which entries is decided above, where roles are known (reports.audit_log):
    # the log sits below officers so that every app may write to it.

    def update(self, **kwargs):
        # The one change allowed: Django clearing a link to a deleted account or unit
        # (on_delete=SET_NULL); the entry keeps the username and its other facts.
        if not (set(kwargs) <= {"actor", "unit"} and all(v is None for v in kwargs.values())):
            raise PermissionDenied("Audit entries cannot be changed.")
        return super().update(**kwargs)

    def delete(self):
        raise PermissionDenied("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too: the entry still names the person after their account is deleted.
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=255, blank=True)
    # The unit the action concerns, so that HR see what happened in their area.
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        # Only viewing: nobody is given add, change or delete (see officers.roles).
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_label}".strip()

    def save(self, *args, **kwargs):
        if self.pk is not None or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise PermissionDenied("Audit entries cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit entries cannot be deleted.")
