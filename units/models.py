"""Vietnam's administrative units, keyed by official code and dated.

Codes come from Decision 124/2004 and Decision 19/2025/QĐ-TTg: province 2 digits, district 3,
commune 5. A merged unit keeps the code of the unit that hosts its seat, so the same code can
name two different units at different times (old Thị trấn Mường Chà 03172 and the new Xã Na Sang
03172). A unit is therefore identified by its code *and* its period of validity, never by name.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Resolution 202/2025/QH15: two-tier local government from this date; districts abolished.
REFORM_2025 = datetime.date(2025, 7, 1)


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    DISTRICT = 2, _("District")
    COMMUNE = 3, _("Commune")


CODE_LENGTH = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}


def tree_q(unit):
    """Q on units for the unit and every unit under it (the tree is three levels deep)."""
    return Q(pk=unit.pk) | Q(parent=unit) | Q(parent__parent=unit)


def within_q(unit, field="unit"):
    """Q for rows whose `field` is the unit or lies under it.

    Other tables test their unit against the tree's ids (a subquery): an OR over joined
    parents would make the database read every row of the country before discarding most.
    """
    if not field:
        return tree_q(unit)
    return Q(**{f"{field}__in": AdministrativeUnit.objects.filter(tree_q(unit)).values("pk")})


class AdministrativeUnitQuerySet(models.QuerySet):
    def current(self, on=None):
        """Units in force on a date (today when not given)."""
        on = on or datetime.date.today()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        )

    def within(self, unit):
        """The unit itself and every unit under it."""
        return self.filter(tree_q(unit))

    def provinces(self):
        return self.filter(level=Level.PROVINCE)

    def communes(self):
        return self.filter(level=Level.COMMUNE)


class AdministrativeUnit(models.Model):
    code = models.CharField(_("code"), max_length=5, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=40, help_text=_("As written officially, e.g. Xã, Phường, Tỉnh.")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=Q(valid_to__isnull=True),
                name="unique_code_of_unit_in_force",
            ),
            models.UniqueConstraint(
                fields=["level", "code", "valid_from"], name="unique_code_per_period"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="valid_period_is_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_current(self):
        today = datetime.date.today()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_to is None or self.valid_to >= today
        )

    def contains(self, other):
        """Whether `other` is this unit or lies under it."""
        node = other
        while node is not None:
            if node.pk == self.pk:
                return True
            node = node.parent
        return False


class UnitSuccession(models.Model):
    """An old unit that went, wholly or partly, into a new one on a reform date."""

    class Share(models.TextChoices):
        FULL = "full", _("whole unit")
        PARTIAL = "partial", _("part of the unit")

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("former unit"),
        on_delete=models.CASCADE,
        related_name="successions",
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("new unit"),
        on_delete=models.CASCADE,
        related_name="predecessions",
    )
    share = models.CharField(_("share"), max_length=10, choices=Share.choices)
    effective_on = models.DateField(_("effective on"), default=REFORM_2025)

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="unique_unit_succession"
            )
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"
