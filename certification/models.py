"""Certificates earned by completing a certifying course, and what happened to each.

A certificate is a fact about an officer at a moment: the course's title and skills are copied
onto it when it is issued, so later edits to the course do not rewrite what was certified.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Unambiguous on paper and when read aloud over the phone: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code():
    """A verification code such as "KNS-7F3K-92QD" (31⁸ ≈ 8.5e11 possibilities)."""
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"KNS-{body[:4]}-{body[4:]}"


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class CertificateQuerySet(models.QuerySet):
    def in_force(self, now=None):
        """Valid and not past their expiry (expiry is also recorded by a periodic task)."""
        now = now or timezone.now()
        return self.filter(status=Certificate.Status.VALID).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )

    def visible_to(self, user):
        """Certificates a user may look up: everything for administrators, the certificates of
        their unit's officers (and of the units under it) for HR; none for others."""
        from officers.roles import hr_scope_of, is_administrator
        from units.models import within_q

        if not user.has_perm("certification.view_certificate"):
            return self.none()
        if is_administrator(user):
            return self
        scope = hr_scope_of(user)
        if scope is None:
            return self.none()
        return self.filter(within_q(scope, field="officer__unit"))


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded by a renewal")

    code = models.CharField(_("verification code"), max_length=20, unique=True, default=new_code)
    officer = models.ForeignKey(
        "officers.Officer",
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    course_title = models.CharField(_("course title"), max_length=255)
    skills = models.JSONField(_("skills"), default=list)  # [{"code": "IU01", "name": "…"}]
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.VALID
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    renewal_of = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewed_by",
    )
    pdf = models.FileField(
        _("signed PDF"), upload_to="certificates/%Y/", storage=private_storage, blank=True
    )
    # For the procedure system's incremental sync ("what changed since …").
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "pk"]
        indexes = [
            models.Index(fields=["officer", "course"], name="certificate_officer_course"),
            models.Index(fields=["status", "expires_at"], name="certificate_status_expiry"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "course"],
                condition=Q(status="valid"),
                name="one_valid_certificate_per_course",
            )
        ]
        permissions = [("revoke_certificate", _("Can revoke certificates"))]

    def __str__(self):
        return f"{self.code} – {self.officer} – {self.course_title}"

    @property
    def effective_status(self):
        """The status now: a valid certificate past its expiry is expired, even before the
        periodic task records it."""
        if (
            self.status == self.Status.VALID
            and self.expires_at is not None
            and self.expires_at <= timezone.now()
        ):
            return self.Status.EXPIRED
        return self.status

    def get_effective_status_display(self):
        return self.Status(self.effective_status).label


class CertificateLogEntry(models.Model):
    """The audit trail of a certificate: who did what, when, and why."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        RENEWED = "renewed", _("Issued as a renewal")
        SUPERSEDED = "superseded", _("Superseded by a renewal")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="log_entries"
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("certificate log entry")
        verbose_name_plural = _("certificate log entries")
        ordering = ["certificate", "at", "pk"]

    def __str__(self):
        return f"{self.certificate.code}: {self.get_action_display()}"
