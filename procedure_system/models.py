"""The link to the provincial administrative-procedure (one-stop-shop) system.

Push: certificate events are written to an outbox in the same transaction as the change they
describe, then delivered by background workers until the procedure system has them.
Pull: the procedure system's clients read certifications through the API with a token,
each client limited to the administrative units it serves.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    class Kind(models.TextChoices):
        ISSUED = "certificate.issued", _("Certificate issued")
        RENEWED = "certificate.renewed", _("Certificate renewed")
        REVOKED = "certificate.revoked", _("Certificate revoked")
        EXPIRED = "certificate.expired", _("Certificate expired")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be delivered")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed: retry by hand")

    # Sent as the idempotency key: the receiver keeps an event it has seen once.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("event"), max_length=30, choices=Kind.choices)
    certificate = models.ForeignKey(
        "certification.Certificate",
        verbose_name=_("certificate"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_events",
    )
    payload = models.JSONField(_("content"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("event for the procedure system")
        verbose_name_plural = _("events for the procedure system")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class ApiClient(models.Model):
    """A system allowed to read certifications through the API, within its units."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    # Only a hash of the token is kept; the prefix finds the row without scanning.
    token_prefix = models.CharField(max_length=12, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    units = models.ManyToManyField(
        "units.AdministrativeUnit",
        verbose_name=_("administrative units"),
        related_name="+",
        help_text=_("The client sees officers of these units and of every unit under them."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    requests_per_minute = models.PositiveIntegerField(_("requests per minute"), default=120)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self):
        return self.name
