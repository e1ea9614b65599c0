"""The link to the provincial administrative-procedure (one-stop-shop) system.

The change feed: every change an integrator can see (a certificate issued, renewed,
superseded, revoked or expired; an officer's procedure-system account linked, confirmed or
unlinked; an officer moved) is an OutboxEvent, written in the transaction of the change and
given its feed position after commit (feed.py), so positions follow commit order.
Pull: API clients read the feed and certifications of their units (api.py).
Push: each client's subscriptions receive their area's events, signed as Standard Webhooks
(delivery.py), each delivery with its attempts logged.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    """One change in the feed. The name stays from when it was only the push's outbox: its
    content type carries the permissions roles are given."""

    class Kind(models.TextChoices):
        ISSUED = "certificate.issued", _("Certificate issued")
        RENEWED = "certificate.renewed", _("Certificate renewed")
        SUPERSEDED = "certificate.superseded", _("Certificate superseded by a renewal")
        REVOKED = "certificate.revoked", _("Certificate revoked")
        EXPIRED = "certificate.expired", _("Certificate expired")
        ACCOUNT_LINKED = "officer.account_linked", _("Procedure-system account linked")
        ACCOUNT_CONFIRMED = "officer.account_confirmed", _("Procedure-system account confirmed")
        ACCOUNT_UNLINKED = "officer.account_unlinked", _("Procedure-system account unlinked")
        MOVED = "officer.moved", _("Officer moved to another unit")

    # The webhook-id: a receiver keeps each event once.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Given after commit, under one lock (feed.sequence): never reused, never out of order.
    position = models.BigIntegerField(_("feed position"), null=True, blank=True, unique=True)
    kind = models.CharField(_("event"), max_length=40, choices=Kind.choices)
    # What order is kept for: "certificate:<id>" or "officer:<id>", and the event's rank among
    # that subject's events, counted while the change holds the subject's row lock: the
    # sequencer numbers a subject's events in this order, whatever the hosts' clocks say.
    subject = models.CharField(_("subject"), max_length=40)
    subject_rank = models.PositiveIntegerField(_("rank within the subject"))
    certificate = models.ForeignKey(
        "certification.Certificate",
        verbose_name=_("certificate"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_events",
    )
    officer = models.ForeignKey(
        "officers.Officer",
        verbose_name=_("officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_events",
    )
    # Whose area the event belongs to: the officer's unit at the change (and, for a move, the
    # unit they left).
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    previous_unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("previous unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payload = models.JSONField(_("content"))
    occurred_at = models.DateTimeField(_("occurred"), default=timezone.now)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("event for the procedure system")
        verbose_name_plural = _("events for the procedure system")
        ordering = ["position", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "subject_rank"], name="outbox_subject_rank")
        ]
        indexes = [
            # The sequencer's work list: events committed but not yet numbered.
            models.Index(
                fields=["subject_rank", "created_at"],
                condition=models.Q(position__isnull=True),
                name="outbox_unsequenced",
            )
        ]

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


class Subscription(models.Model):
    """Where a client wants its area's events pushed, and which ones.

    The subscription without a client is the receiver configured in the environment
    (PROCEDURE_SYSTEM_EVENTS_URL and PROCEDURE_SYSTEM_SECRET): it hears every unit's events.
    """

    client = models.ForeignKey(
        ApiClient,
        verbose_name=_("API client"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    name = models.CharField(_("name"), max_length=150)
    url = models.URLField(
        _("webhook URL"),
        max_length=500,
        blank=True,
        help_text=_("The receiver's address (https in production). Events are POSTed to it."),
    )
    event_types = models.JSONField(
        _("event types"),
        default=list,
        blank=True,
        help_text=_("Leave empty to receive every type."),
    )
    units = models.ManyToManyField(
        "units.AdministrativeUnit",
        verbose_name=_("administrative units"),
        related_name="+",
        blank=True,
        help_text=_(
            "Leave empty for the client's whole area; otherwise only these units (and the units "
            "under them), which must lie in the client's area."
        ),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Switched off by hand: no delivery is made or kept for it."),
    )
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.TextField(_("why it was disabled"), blank=True)
    # The first failure since the last success: when it is older than the retry span, the
    # receiver has been down for the whole span and the subscription is disabled.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last successful delivery"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "name"], name="subscription_name_unique_per_client"
            ),
            # One receiver configured in the environment.
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(client__isnull=True),
                name="one_environment_subscription",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_environment(self):
        return self.client_id is None

    @property
    def is_disabled(self):
        return self.disabled_at is not None


class SigningSecret(models.Model):
    """A subscription's signing secret. Rotating keeps the previous one valid until
    `expires_at`, and both sign every request meanwhile, so the receiver can switch over."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="secrets")
    # Kept in clear: signing needs it (like PROCEDURE_SYSTEM_SECRET in the environment).
    secret = models.CharField(max_length=100, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing secret")
        verbose_name_plural = _("signing secrets")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.secret[:10]}…"


class Delivery(models.Model):
    """One event for one subscription, until the receiver has it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be delivered")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed after every retry")

    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.ForeignKey(
        OutboxEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="deliveries"
    )
    # Copied from the event: the claim query orders and holds back by them without a join.
    position = models.BigIntegerField(_("feed position"))
    subject = models.CharField(_("subject"), max_length=40)
    # The type as this subscription's client sees it (officer.moved_in, …).
    kind = models.CharField(_("event"), max_length=40)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("delivery attempts"), default=0)
    first_attempt_at = models.DateTimeField(_("first attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["position", "subscription_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event"], name="one_delivery_per_subscription_event"
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="delivery_due"),
            models.Index(
                fields=["subscription", "subject", "position"], name="delivery_subject_order"
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.subscription} ({self.get_state_display()})"


class DeliveryAttempt(models.Model):
    """One request made for a delivery, as the admin's attempt log shows it."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("time"), default=timezone.now)
    url = models.CharField(_("URL"), max_length=500)
    request_headers = models.JSONField(_("request headers"), default=dict)
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response_excerpt = models.TextField(_("answer (start)"), blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["delivery", "at"], name="attempt_by_delivery")]

    def __str__(self):
        return f"{self.url} · {self.status or self.error[:40]}"
