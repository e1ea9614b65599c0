import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import AdministrativeUnit, within_q

from . import events
from .names import sort_key, split_name

# Citizen ID (CCCD): 12 digits. Phone: Vietnamese numbers, 10 digits starting with 0 (or +84).
national_id_validator = RegexValidator(r"^\d{12}$", _("A citizen ID (CCCD) has exactly 12 digits."))
phone_validator = RegexValidator(
    r"^(0|\+84)\d{9}$", _("Enter a Vietnamese phone number: 0 followed by 9 digits.")
)


def normalize_phone(value):
    return re.sub(r"[\s.\-()]", "", value or "")


class JobPosition(models.Model):
    """A job position (vị trí việc làm) in a commune-level government (Decree 150/2025)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("job position")
        verbose_name_plural = _("job positions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OfficerQuerySet(models.QuerySet):
    def in_unit(self, unit):
        """Officers of the unit and of every unit under it."""
        return self.filter(within_q(unit))

    def visible_to(self, user):
        """What a user may see: everything for administrators, their unit's tree for HR."""
        from .roles import visible_to

        return visible_to(user, self)

    def manageable_by(self, user):
        """What a user may change: as visible_to, less administrators' accounts for HR."""
        from django.contrib.auth import get_user_model

        from .roles import is_administrator, privileged

        visible = self.visible_to(user)
        if is_administrator(user):
            return visible
        return visible.exclude(user__in=privileged(get_user_model().objects.all()))

    def in_name_order(self):
        return self.order_by("sort_key", "pk")


class Officer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="officer",
    )
    full_name = models.CharField(_("full name"), max_length=150)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="officers",
    )
    job_position = models.ForeignKey(
        JobPosition,
        verbose_name=_("job position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    title = models.CharField(_("title"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=15, blank=True, validators=[phone_validator])
    national_id = models.CharField(
        _("citizen ID (CCCD)"),
        max_length=12,
        blank=True,
        validators=[national_id_validator],
        help_text=_("Optional. Personal data: only HR of the officer's unit can see it."),
    )
    procedure_account = models.CharField(
        _("procedure-system account"),
        max_length=100,
        blank=True,
        help_text=_("The officer's account in the provincial administrative-procedure system."),
    )
    # An account the officer typed in themselves; HR confirms it before it is used.
    procedure_account_requested = models.CharField(
        _("procedure-system account awaiting confirmation"), max_length=100, blank=True
    )
    sort_key = models.CharField(max_length=400, editable=False, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OfficerQuerySet.as_manager()

    # What HR may set on an officer, in forms and in imports.
    PROFILE_FIELDS = [
        "full_name",
        "unit",
        "job_position",
        "title",
        "email",
        "phone",
        "national_id",
        "procedure_account",
    ]

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        ordering = ["sort_key", "pk"]
        permissions = [("import_officers", _("Can import officers from a file"))]
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"],
                condition=~Q(national_id=""),
                name="unique_national_id_when_given",
            ),
            models.UniqueConstraint(
                fields=["procedure_account"],
                condition=~Q(procedure_account=""),
                name="unique_procedure_account_when_given",
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, confirmed_account=False, **kwargs):
        """`confirmed_account`: the account being linked is one the officer asked for and HR
        confirmed (the event says so).

        In one transaction with the events it tells (officers/events.py), whoever calls it: the
        row is locked and read as stored first, so the change is told from what the database
        held, and the feed counts the officer's events in order under that lock."""
        self.sort_key = sort_key(self.full_name)
        written = self._watched_fields_written(kwargs.get("update_fields"))
        with transaction.atomic(using=kwargs.get("using")):
            before = None
            if not self._state.adding and written:
                before = events.stored([self]).get(self.pk)
            super().save(*args, **kwargs)
            if written:
                events.officer_saved(self, before, confirmed=confirmed_account, written=written)

    def _watched_fields_written(self, update_fields):
        """The watched fields (events.WATCHED) this save writes: those of `update_fields`, or
        every loaded one (Django saves only what an `only()` read loaded)."""
        if update_fields is not None:
            names = {self._meta.get_field(name).attname for name in update_fields}
        else:
            names = set(events.WATCHED) - self.get_deferred_fields()
        return tuple(name for name in events.WATCHED if name in names)

    @property
    def family_name(self):
        return split_name(self.full_name)[0]

    @property
    def given_name(self):
        return split_name(self.full_name)[2]

    def clean(self):
        self.full_name = " ".join(self.full_name.split())
        self.phone = normalize_phone(self.phone)
        if self.unit_id and not self.unit.is_current:
            raise ValidationError(
                {"unit": _("This unit no longer exists; choose a unit in force today.")}
            )


class ActivationCode(models.Model):
    """A one-time code HR hands an officer (printed or read out) to set their first password,
    for officers who have no email. One per account: issuing a new one replaces the old.
    Only a hash is kept; see officers.activation for the rules."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="activation_code",
    )
    code_hash = models.CharField(max_length=128)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"))
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")
        default_permissions = ()

    def __str__(self):
        return str(self.user)
