"""Figures across the 2025 reform: how are the communes that succeeded an old unit doing?

Officers belong to units in force today, never to pre-reform units, so an old district or commune
(valid until 30 June 2025) is reported through its successors: the new communes that its communes
(or the unit itself) went into, according to `UnitSuccession`. The figures are those of each
whole new commune, which is honest only when said so:

* a *partial* succession means only part of the old unit went into that commune;
* a new commune formed also from old units outside the selected one includes them too.

Both are flagged on each row. The reverse question, "what was this commune formed from?", is
`predecessors_of`.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from courses.models import Enrolment
from officers.models import Officer
from officers.roles import visible_to
from units.models import REFORM_2025, AdministrativeUnit, Level, UnitSuccession, within_q


def _successions_into_communes():
    """Successions that figures can follow: into a unit where officers work (a new commune,
    ward or special zone), not the province-to-province ones, which would count twice."""
    return UnitSuccession.objects.filter(
        successor__level=Level.COMMUNE, predecessor__valid_to__lt=REFORM_2025
    )


def _successions_in_scope(user):
    return visible_to(user, _successions_into_communes(), unit_path="successor")


def old_units_visible_to(user):
    """Pre-reform units (provinces, districts, communes) with at least one successor commune in
    the user's area, in tree order: an HR officer of a new commune sees the old communes it was
    formed from and their old district and province (two queries)."""
    ids = set()
    for unit_id, parent_id, grandparent_id in _successions_in_scope(user).values_list(
        "predecessor_id", "predecessor__parent_id", "predecessor__parent__parent_id"
    ):
        ids.update(pk for pk in (unit_id, parent_id, grandparent_id) if pk is not None)
    units = AdministrativeUnit.objects.filter(pk__in=ids, valid_to__lt=REFORM_2025)
    return list(units.select_related("parent__parent"))


def old_units_in_tree_order(units):
    """Provinces, each followed by its districts, each followed by its communes."""
    children = defaultdict(list)
    for unit in units:
        children[unit.parent_id].append(unit)
    ids = {unit.pk for unit in units}
    ordered = []

    def walk(unit):
        ordered.append(unit)
        for child in sorted(children[unit.pk], key=lambda u: u.code):
            walk(child)

    for unit in sorted(
        (unit for unit in units if unit.parent_id not in ids), key=lambda u: (u.level, u.code)
    ):
        walk(unit)
    return ordered


@dataclass
class SuccessorRow:
    unit: AdministrativeUnit  # the new commune
    from_inside: list = field(default_factory=list)  # UnitSuccession from the selected unit
    from_outside: list = field(default_factory=list)  # UnitSuccession from other old units
    officers: int = 0
    enrolled_officers: int = 0
    enrolments: int = 0
    completed: int = 0
    completed_officers: int = 0

    @property
    def partial(self):
        """Only part of an old unit (of the selected one) went into this commune."""
        return any(s.share == UnitSuccession.Share.PARTIAL for s in self.from_inside)

    @property
    def mixed(self):
        """The commune was also formed from old units outside the selected one."""
        return bool(self.from_outside)

    @property
    def completion_rate(self):
        return 100 * self.completed / self.enrolments if self.enrolments else None


@dataclass
class HistoryReport:
    old_unit: AdministrativeUnit
    rows: list  # SuccessorRow in the user's area, by code
    hidden: int  # successor communes outside the user's area, not shown
    course: object = None

    def total(self, name):
        return sum(getattr(row, name) for row in self.rows)

    @property
    def totals(self):
        names = ["officers", "enrolled_officers", "enrolments", "completed", "completed_officers"]
        values = {name: self.total(name) for name in names}
        values["completion_rate"] = (
            100 * values["completed"] / values["enrolments"] if values["enrolments"] else None
        )
        return values

    @property
    def any_partial(self):
        return any(row.partial for row in self.rows)

    @property
    def any_mixed(self):
        return any(row.mixed for row in self.rows)


def history_report(user, old_unit, course=None) -> HistoryReport:
    """The new communes that succeeded `old_unit` (a pre-reform unit), with their figures.

    `course` limits the enrolment figures to one course. A fixed number of queries: the
    successions from the old unit, the other predecessors of those communes, officers per
    commune, enrolments per commune.
    """
    successions = list(
        _successions_into_communes()
        .filter(within_q(old_unit, field="predecessor"))
        .select_related("predecessor__parent", "successor")
        .order_by("successor__code", "predecessor__code")
    )
    in_scope = set(
        _successions_in_scope(user)
        .filter(pk__in=[s.pk for s in successions])
        .values_list("successor_id", flat=True)
    )
    rows = {}
    hidden = set()
    for succession in successions:
        if succession.successor_id not in in_scope:
            hidden.add(succession.successor_id)
            continue
        row = rows.setdefault(succession.successor_id, SuccessorRow(succession.successor))
        row.from_inside.append(succession)
    inside = {s.pk for s in successions}
    others = (
        UnitSuccession.objects.filter(successor_id__in=rows)
        .exclude(pk__in=inside)
        .select_related("predecessor__parent")
        .order_by("predecessor__code")
    )
    for succession in others:
        rows[succession.successor_id].from_outside.append(succession)

    for item in (
        Officer.objects.filter(unit_id__in=rows)
        .order_by()
        .values("unit_id")
        .annotate(count=Count("pk"))
    ):
        rows[item["unit_id"]].officers = item["count"]
    enrolments = Enrolment.objects.filter(officer__unit_id__in=rows)
    if course is not None:
        enrolments = enrolments.filter(course=course)
    completed = Q(completed_at__isnull=False)
    for item in (
        enrolments.order_by()
        .values("officer__unit_id")
        .annotate(
            enrolments=Count("pk"),
            enrolled_officers=Count("officer_id", distinct=True),
            completed=Count("pk", filter=completed),
            completed_officers=Count("officer_id", filter=completed, distinct=True),
        )
    ):
        row = rows[item["officer__unit_id"]]
        row.enrolments = item["enrolments"]
        row.enrolled_officers = item["enrolled_officers"]
        row.completed = item["completed"]
        row.completed_officers = item["completed_officers"]
    return HistoryReport(
        old_unit=old_unit,
        rows=sorted(rows.values(), key=lambda row: row.unit.code),
        hidden=len(hidden),
        course=course,
    )


def predecessors_of(unit):
    """The old units a new unit was formed from (with the old district), by code."""
    return list(
        UnitSuccession.objects.filter(successor=unit)
        .select_related("predecessor__parent")
        .order_by("predecessor__level", "predecessor__code")
    )


def current_units_visible_to(user):
    """New communes in the user's area that were formed from old units (the reverse picker)."""
    units = AdministrativeUnit.objects.current().filter(
        level=Level.COMMUNE, predecessions__isnull=False
    )
    return visible_to(user, units, unit_path="").distinct().order_by("code")
