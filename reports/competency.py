"""The competency matrix (officers × skills) and one officer's record.

A skill is *held* by an officer who completed a course teaching it, or who holds a certificate in
force listing it (the certificate's skills are a snapshot taken when it was issued). It is
*required* when a live course required for the officer's job position teaches it. The columns
are the skills live courses teach; a skill is matched to a certificate by its code.

Everything is computed with a fixed number of queries, whatever the number of officers:

* a page of the matrix: the skills, the required skills by position, the page's officers, their
  completed courses' skills, their certificates (plus the paginator's count);
* the summary (per skill and per unit): the skills each course teaches, the sets of skill codes
  certificates list (SkillCodes, a few), then one grouped query over all filtered officers;
* exports: the same three queries per chunk of officers, walked by keyset (name order).
"""

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from operator import add
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Attempt
from certification.models import Certificate, SkillCodes
from courses.models import CoursePage, Enrolment, SkillTag
from officers.models import JobPosition, Officer
from units.models import AdministrativeUnit

from .queries import duration_label, officer_time_by_course, whole_minutes

HELD = "held"
GAP = "gap"
NOT_REQUIRED = "none"

PER_PAGE = 100
CHUNK_SIZE = 1000


# --- Skills and requirements ----------------------------------------------------------------


def matrix_skills(framework=None):
    """The matrix's columns: skills that live courses teach, by framework and code."""
    skills = SkillTag.objects.filter(coursepage__in=CoursePage.objects.live()).distinct()
    if framework:
        skills = skills.filter(framework=framework)
    return list(skills.order_by("framework", "code"))


def required_skills_by_position(skill_ids):
    """{job position id: frozenset of skill ids} taught by live courses required for it."""
    pairs = (
        CoursePage.objects.live()
        .filter(required_for_positions__isnull=False, skill_tags__in=skill_ids)
        .values_list("required_for_positions", "skill_tags")
        .distinct()
    )
    required = defaultdict(set)
    for position_id, skill_id in pairs:
        required[position_id].add(skill_id)
    return {position_id: frozenset(ids) for position_id, ids in required.items()}


def certificate_lists_skill(code):
    """Q for certificates whose skills snapshot lists the skill code."""
    if connection.features.supports_json_field_contains:
        return Q(skills__contains=[{"code": code}])
    # SQLite has no JSON containment; Django writes the list with json.dumps, so the pair
    # appears in the stored text exactly like this (the closing quote keeps IU01 from IU010).
    return Q(skills_text__contains=json.dumps({"code": code})[1:-1])


# Held skills are read as bit masks: bit i of mask k stands for the skill at column
# k * MASK_BITS + i. One correlated subquery per source and mask gives each officer's skills
# in a single pass, however many skills there are; grouping officers by (unit, position,
# masks) then leaves few groups to count from. 62 bits keep clear of a bigint's sign.
MASK_BITS = 62


def skill_masks(skills):
    """The skills in mask order: a list per mask column, each skill with its bit."""
    return [
        [(skill, 1 << bit) for bit, skill in enumerate(skills[start : start + MASK_BITS])]
        for start in range(0, len(skills), MASK_BITS)
    ]


def _bits_sum(terms):
    """The sum of per-skill maxima: each is 0 or the skill's bit, so the sum ORs them."""
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def _bit_where(condition, bit):
    return Max(Case(When(condition, then=Value(bit)), default=Value(0)))


def _masks_by_source(column, now, officers):
    """(completed enrolments, certificates in force) of `officers` (a queryset of officer ids,
    or OuterRef("pk")), each grouped by officer with the mask of the column's skills it gives."""
    if isinstance(officers, OuterRef):
        mine = {"officer_id": officers}
    else:
        mine = {"officer_id__in": officers}
    by_course = Enrolment.objects.filter(
        completed_at__isnull=False,
        course__skill_tags__in=[skill.pk for skill, _bit in column],
        **mine,
    )
    by_certificate = (
        Certificate.objects.in_force(now)
        .filter(**mine)
        .alias(skills_text=Cast("skills", TextField()))
    )
    return (
        by_course.order_by()
        .values("officer_id")
        .annotate(mask=_bits_sum([_bit_where(Q(course__skill_tags=s.pk), b) for s, b in column])),
        by_certificate.order_by()
        .values("officer_id")
        .annotate(
            mask=_bits_sum([_bit_where(certificate_lists_skill(s.code), b) for s, b in column])
        ),
    )


def held_mask(column, now):
    """Expression on officers: the mask of the column's skills the officer holds."""
    by_course, by_certificate = _masks_by_source(column, now, OuterRef("pk"))

    def subquery(grouped):
        field = BigIntegerField()
        return Coalesce(Subquery(grouped.values("mask"), output_field=field), Value(0))

    return subquery(by_course).bitor(subquery(by_certificate))


# --- Selection: who and what the matrix shows ---------------------------------------------


@dataclass
class MatrixSelection:
    """The filtered officers (scoped to the user) and the skills shown for them."""

    skills: list
    required: dict  # {job position id: frozenset of skill ids}
    officers: QuerySet  # in Vietnamese name order
    now: datetime
    unit: AdministrativeUnit | None = None
    job_position: JobPosition | None = None
    framework: str | None = None
    gaps_only: bool = False

    @cached_property
    def masks(self):
        return skill_masks(self.skills)

    @cached_property
    def required_bits(self):
        """{job position id: per mask column, the bits of the skills the position requires}."""
        return {
            position_id: [
                sum(bit for skill, bit in column if skill.pk in required) for column in self.masks
            ]
            for position_id, required in self.required.items()
        }

    def required_masks(self, position_id):
        """Per mask column, the bits of the skills the position requires (none: zeros)."""
        return self.required_bits.get(position_id) or [0] * len(self.masks)

    def with_held_masks(self, officers):
        """The officers annotated held_0, held_1, … (one per mask column)."""
        return officers.annotate(
            **{f"held_{k}": held_mask(column, self.now) for k, column in enumerate(self.masks)}
        )

    def only_with_gaps(self, officers):
        """Officers missing at least one skill their position requires."""
        positions = [pid for pid, bits in self.required_bits.items() if any(bits)]
        if not positions:
            return officers.none()
        officers = self.with_held_masks(officers)
        missing = Q()
        for k in range(len(self.masks)):
            required = Case(
                *[
                    When(job_position_id=pid, then=Value(self.required_bits[pid][k]))
                    for pid in positions
                ],
                default=Value(0),
                output_field=BigIntegerField(),
            )
            officers = officers.alias(
                **{
                    f"required_{k}": required,
                    f"covered_{k}": F(f"held_{k}").bitand(F(f"required_{k}")),
                }
            )
            missing |= ~Q(**{f"covered_{k}": F(f"required_{k}")})
        return officers.filter(missing)


def select_matrix(
    user, *, unit=None, job_position=None, framework=None, gaps_only=False, now=None
) -> MatrixSelection:
    """Officers the user may see, filtered, with the skills to show (two queries)."""
    now = now or timezone.now()
    skills = matrix_skills(framework)
    required = required_skills_by_position([skill.pk for skill in skills])
    officers = Officer.objects.visible_to(user)
    if unit is not None:
        officers = officers.in_unit(unit)
    if job_position is not None:
        officers = officers.filter(job_position=job_position)
    selection = MatrixSelection(
        skills=skills,
        required=required,
        officers=officers,
        now=now,
        unit=unit,
        job_position=job_position,
        framework=framework or None,
        gaps_only=gaps_only,
    )
    if gaps_only:
        officers = selection.only_with_gaps(officers)
    selection.officers = officers.select_related("unit", "job_position", "user").in_name_order()
    return selection


# --- Rows: officers with their cells -------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    held: bool
    required: bool

    @property
    def state(self):
        if self.held:
            return HELD
        return GAP if self.required else NOT_REQUIRED

    @property
    def is_gap(self):
        return self.required and not self.held


# The four possible cells, shared by every row.
CELLS = {
    (held, required): Cell(held, required) for held in (False, True) for required in (False, True)
}


@dataclass
class OfficerRow:
    officer: Officer  # a model instance on pages, an OfficerLine in exports
    cells: list

    @property
    def gaps(self):
        return sum(cell.is_gap for cell in self.cells)


def held_skills(officer_ids, skills, now=None):
    """{officer id: set of skill ids held} for the given officers (two queries)."""
    now = now or timezone.now()
    held = defaultdict(set)
    if not officer_ids or not skills:
        return held
    skill_ids = {skill.pk for skill in skills}
    by_code = {skill.code: skill.pk for skill in skills}
    completed = Enrolment.objects.filter(
        officer_id__in=officer_ids, completed_at__isnull=False, course__skill_tags__in=skill_ids
    ).values_list("officer_id", "course__skill_tags")
    for officer_id, skill_id in completed:
        held[officer_id].add(skill_id)
    certificates = (
        Certificate.objects.in_force(now)
        .filter(officer_id__in=officer_ids)
        .values_list("officer_id", "skills")
    )
    for officer_id, listed in certificates:
        for item in listed if isinstance(listed, list) else []:
            code = item.get("code") if isinstance(item, dict) else None
            if code in by_code:
                held[officer_id].add(by_code[code])
    return held


def matrix_rows(officers, selection) -> list:
    """OfficerRows for a list of officers (already fetched), with two more queries. Officers
    may be model instances or OfficerLines: only pk and job_position_id are read."""
    officers = list(officers)
    held = held_skills([officer.pk for officer in officers], selection.skills, selection.now)
    skill_ids = [skill.pk for skill in selection.skills]
    rows = []
    for officer in officers:
        required = selection.required.get(officer.job_position_id, frozenset())
        mine = held.get(officer.pk, ())
        cells = [CELLS[(pk in mine, pk in required)] for pk in skill_ids]
        rows.append(OfficerRow(officer=officer, cells=cells))
    return rows


class OfficerLine(NamedTuple):
    """What an export needs of an officer, read as plain values (no model instances)."""

    pk: int
    sort_key: str
    full_name: str
    username: str
    unit_code: str
    unit_name: str
    job_position_id: int | None
    job_position_name: str | None


LINE_FIELDS = (
    "pk",
    "sort_key",
    "full_name",
    "user__username",
    "unit__code",
    "unit__name",
    "job_position_id",
    "job_position__name",
)


def iter_rows(selection, chunk_size=CHUNK_SIZE) -> Iterator:
    """Every filtered officer's row (officer as an OfficerLine), fetched in chunks of officers
    (three queries a chunk), walking the name order by keyset so no chunk needs an OFFSET."""
    last = None
    while True:
        chunk_query = selection.officers
        if last is not None:
            chunk_query = chunk_query.filter(
                Q(sort_key__gt=last.sort_key) | Q(sort_key=last.sort_key, pk__gt=last.pk)
            )
        chunk = [
            OfficerLine(*values) for values in chunk_query.values_list(*LINE_FIELDS)[:chunk_size]
        ]
        if not chunk:
            return
        yield from matrix_rows(chunk, selection)
        if len(chunk) < chunk_size:
            return
        last = chunk[-1]


# --- Summary: per skill and per unit --------------------------------------------------------


@dataclass
class SkillSummary:
    skill: SkillTag
    officers: int = 0
    held: int = 0
    required: int = 0
    gaps: int = 0

    @property
    def percent_held(self):
        return 100 * self.held / self.officers if self.officers else None

    @property
    def required_held(self):
        return self.required - self.gaps


@dataclass
class UnitTotals:
    unit_id: int
    code: str
    name: str
    officers: int = 0
    required: int = 0  # officer × required skill pairs
    gaps: int = 0
    officers_with_gaps: int = 0

    @property
    def required_held(self):
        return self.required - self.gaps

    @property
    def percent_required_held(self):
        return 100 * self.required_held / self.required if self.required else None


@dataclass
class MatrixSummary:
    officers: int = 0
    skills: list = field(default_factory=list)  # SkillSummary, in column order
    units: list = field(default_factory=list)  # UnitTotals, by unit code

    @property
    def gaps(self):
        return sum(item.gaps for item in self.skills)

    @property
    def officers_with_gaps(self):
        return sum(item.officers_with_gaps for item in self.units)


def _or_of(bits, column):
    """SQL aggregate: the bitwise OR of the column `bits` over a group's rows (PostgreSQL has
    BIT_OR; elsewhere each bit's maximum, summed)."""
    if connection.vendor == "postgresql":
        return f"BIT_OR({bits})"
    return " + ".join(f"MAX({bits} & {int(bit)})" for _skill, bit in column) or "0"


def held_sources(selection, officer_ids):
    """Querysets of (officer_id, bits_0, bits_1, …): the officers' completed enrolments and
    certificates in force, each with the bits (one per mask column) of the skills it gives;
    `officer_ids`: a queryset of the officers' ids, or None for every officer.

    What a row gives is known before the query: a course teaches its skills (a few courses), a
    certificate lists the codes of its SkillCodes (a few sets, read first). Each row is then
    mapped to its bits by a CASE on its course or its set of codes, not tested skill by skill.
    """
    masks = selection.masks
    bit_of = {skill.pk: (k, bit) for k, column in enumerate(masks) for skill, bit in column}
    by_code = {skill.code: bit_of[skill.pk] for column in masks for skill, _bit in column}
    course_bits = defaultdict(lambda: [0] * len(masks))
    for course_id, skill_id in CoursePage.skill_tags.through.objects.filter(
        skilltag_id__in=bit_of
    ).values_list("coursepage_id", "skilltag_id"):
        k, bit = bit_of[skill_id]
        course_bits[course_id][k] |= bit
    mine = {} if officer_ids is None else {"officer_id__in": officer_ids}
    certificates = Certificate.objects.in_force(selection.now).filter(**mine).order_by()
    code_set_bits = []  # [(SkillCodes id, bits)], for the sets that give a column's skill
    for code_set_id, codes in SkillCodes.objects.values_list("pk", "codes"):
        bits = [0] * len(masks)
        for code in codes.split():
            if code in by_code:
                k, bit = by_code[code]
                bits[k] |= bit
        if any(bits):
            code_set_bits.append((code_set_id, bits))

    def mapped(cases, k):
        whens = [When(condition, then=Value(bits[k])) for condition, bits in cases if bits[k]]
        return Case(*whens, default=Value(0), output_field=BigIntegerField())

    columns = [f"bits_{k}" for k in range(len(masks))]
    sources = []
    if course_bits:
        cases = [(Q(course_id=course_id), bits) for course_id, bits in course_bits.items()]
        enrolments = Enrolment.objects.filter(
            completed_at__isnull=False, course_id__in=course_bits, **mine
        ).order_by()
        sources.append(
            enrolments.annotate(**{c: mapped(cases, k) for k, c in enumerate(columns)}).values(
                "officer_id", *columns
            )
        )
    if code_set_bits:
        cases = [(Q(skill_codes_id=code_set_id), bits) for code_set_id, bits in code_set_bits]
        sources.append(
            certificates.annotate(**{c: mapped(cases, k) for k, c in enumerate(columns)}).values(
                "officer_id", *columns
            )
        )
    return sources


def summary_rows(selection):
    """Per unit and job position of the filtered officers: (unit id, unit code, unit name,
    job position id, officers, [officers holding each skill, in column order], officers
    missing a skill their position requires), in one query.

    The officers' skills (as masks) are grouped once by officer from the rows of both sources
    and joined to the officers, rather than computed by correlated subqueries per officer: for
    the whole country (140,000 officers) the database then reads each table once instead of
    probing it 140,000 times. Counting per unit and position in the database leaves a few
    thousand rows, not one per officer. The ORM writes every part (filters, visibility,
    certificates in force); what it cannot say, grouping a union and joining it, is put
    together here.
    """
    quote = connection.ops.quote_name
    officer_ids = selection.officers.order_by().values("pk")
    if officer_ids.query.is_empty():  # e.g. gaps only, and no position requires a skill
        return
    # Every officer (an administrator, no filter): the sources are read whole, not matched
    # against the list of all officers first.
    everyone = not officer_ids.query.where
    ids_sql, ids_params = ("1 = 1", ()) if everyone else officer_ids.query.sql_with_params()
    sources = held_sources(selection, None if everyone else officer_ids)
    params, joins, counts, missing = [], "", [], []
    if sources:
        parts = []
        for source in sources:
            sql, source_params = source.query.sql_with_params()
            parts.append(sql)
            params.extend(source_params)
        masks = ", ".join(
            f"{_or_of(f's.bits_{k}', column)} AS mask_{k}"
            for k, column in enumerate(selection.masks)
        )
        union = " UNION ALL ".join(
            f"SELECT * FROM ({part}) p{n}"  # noqa: S608 (the ORM's SQL)  # nosec B608
            for n, part in enumerate(parts)
        )
        joins = f"""LEFT JOIN (
            SELECT s.officer_id, {masks} FROM ({union}) s GROUP BY s.officer_id
        ) m ON m.officer_id = o.id"""  # noqa: S608 (the ORM's SQL, integers)  # nosec B608
    for k, column in enumerate(selection.masks):
        held = f"COALESCE(m.mask_{k}, 0)" if sources else "0"
        counts.extend(
            f"SUM(CASE WHEN ({held} & {int(bit)}) <> 0 THEN 1 ELSE 0 END)" for _skill, bit in column
        )
        required = [
            f"WHEN {int(position_id)} THEN {int(bits[k])}"
            for position_id, bits in selection.required_bits.items()
            if position_id is not None and bits[k]
        ]
        if required:
            need = f"(CASE o.job_position_id {' '.join(required)} ELSE 0 END)"
            missing.append(f"({held} & {need}) <> {need}")
    any_missing = " OR ".join(missing) or "1 = 0"
    officer, unit = Officer._meta.db_table, AdministrativeUnit._meta.db_table
    # Grouped by unit id, then joined to the units for their code and name: narrower groups.
    sql = f"""
        SELECT g.unit_id, u.code, u.name, g.* FROM (
            SELECT o.job_position_id, COUNT(*),
                   {"".join(f"{count}, " for count in counts)}
                   SUM(CASE WHEN {any_missing} THEN 1 ELSE 0 END), o.unit_id
            FROM {quote(officer)} o
            {joins}
            WHERE {ids_sql if everyone else f"o.id IN ({ids_sql})"}
            GROUP BY o.unit_id, o.job_position_id
        ) g
        JOIN {quote(unit)} u ON u.id = g.unit_id
    """  # noqa: S608 (the ORM's SQL, integers; values are parameters)  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ids_params])
        for unit_id, code, name, position_id, officers, *held, with_gaps, _ in cursor.fetchall():
            yield unit_id, code, name, position_id, officers, held, with_gaps


def summarise(selection) -> MatrixSummary:
    """Per skill and per unit figures over all filtered officers, from one grouped query
    (summary_rows): within a unit and position, every officer is required the same skills.
    The skills' figures are summed per position first (a few), the units' per row."""
    skills = selection.skills
    summary = MatrixSummary(skills=[SkillSummary(skill) for skill in skills])
    required_columns = {
        position_id: [i for i, skill in enumerate(skills) if skill.pk in required]
        for position_id, required in selection.required.items()
    }
    units = {}
    officers_of = defaultdict(int)  # {position id: officers}
    holding_of = {}  # {position id: officers holding each skill, in column order}
    for unit_id, code, name, position_id, officers, held, with_gaps in summary_rows(selection):
        unit = units.get(unit_id)
        if unit is None:
            unit = units[unit_id] = UnitTotals(unit_id, code, name)
        unit.officers += officers
        unit.officers_with_gaps += with_gaps or 0
        columns = required_columns.get(position_id, ())
        unit.required += officers * len(columns)
        unit.gaps += officers * len(columns) - sum(held[i] for i in columns)
        officers_of[position_id] += officers
        so_far = holding_of.get(position_id)
        holding_of[position_id] = held if so_far is None else list(map(add, so_far, held))
    for position_id, officers in officers_of.items():
        summary.officers += officers
        columns = set(required_columns.get(position_id, ()))
        for i, (item, holding) in enumerate(
            zip(summary.skills, holding_of[position_id], strict=True)
        ):
            item.held += holding
            if i in columns:
                item.required += officers
                item.gaps += officers - holding
    for item in summary.skills:
        item.officers = summary.officers
    summary.units = sorted(units.values(), key=lambda unit: (unit.code, unit.unit_id))
    return summary


# --- The matrix page ------------------------------------------------------------------------


@dataclass
class CompetencyMatrix:
    selection: MatrixSelection
    page: Page
    rows: list  # OfficerRow of the page
    summary: MatrixSummary

    @property
    def skills(self):
        return self.selection.skills


def competency_matrix(
    user,
    *,
    unit=None,
    job_position=None,
    framework=None,
    gaps_only=False,
    page=1,
    per_page=PER_PAGE,
    now=None,
) -> CompetencyMatrix:
    """One page of the matrix and the summary of every filtered officer.

    Queries (beyond reading the user's role): skills, required skills, count, the page's
    officers, their completed courses' skills, their certificates, and the summary's three
    (courses' skills, certificates' skill lists, the grouped counts): nine.
    """
    selection = select_matrix(
        user,
        unit=unit,
        job_position=job_position,
        framework=framework,
        gaps_only=gaps_only,
        now=now,
    )
    page_obj = Paginator(selection.officers, per_page).get_page(page)
    return CompetencyMatrix(
        selection=selection,
        page=page_obj,
        rows=matrix_rows(page_obj.object_list, selection),
        summary=summarise(selection),
    )


# --- Tables for exports -------------------------------------------------------------------


def cell_label(cell):
    if cell.held:
        return _("Held")
    return _("Missing") if cell.required else ""


def matrix_headers(skills):
    return [
        _("No."),
        _("Full name"),
        _("Username"),
        _("Unit code"),
        _("Administrative unit"),
        _("Job position"),
        _("Missing skills"),
        *[f"{skill.code} – {skill.name}" for skill in skills],
    ]


def matrix_table_rows(selection, chunk_size=CHUNK_SIZE) -> Iterator:
    """Plain values of every filtered officer's row, for CSV and XLSX, chunk by chunk."""
    labels = {cell: cell_label(cell) for cell in CELLS.values()}
    for number, row in enumerate(iter_rows(selection, chunk_size), start=1):
        officer = row.officer
        yield [
            number,
            officer.full_name,
            officer.username,
            officer.unit_code,
            officer.unit_name,
            officer.job_position_name or "",
            row.gaps,
            *[labels[cell] for cell in row.cells],
        ]


def skill_summary_table(summary):
    headers = [
        _("Skill code"),
        _("Skill"),
        _("Framework"),
        _("Officers"),
        _("Officers holding it"),
        _("Holding it (%)"),
        _("Required of"),
        _("Missing (required but not held)"),
    ]
    rows = [
        [
            item.skill.code,
            item.skill.name,
            item.skill.get_framework_display(),
            item.officers,
            item.held,
            round(item.percent_held, 1) if item.percent_held is not None else None,
            item.required,
            item.gaps,
        ]
        for item in summary.skills
    ]
    return headers, rows


def unit_totals_table(summary):
    headers = [
        _("Unit code"),
        _("Administrative unit"),
        _("Officers"),
        _("Required skills (officer × skill)"),
        _("Required skills held"),
        _("Required skills held (%)"),
        _("Missing (required but not held)"),
        _("Officers with missing skills"),
    ]
    rows = [
        [
            unit.code,
            unit.name,
            unit.officers,
            unit.required,
            unit.required_held,
            round(unit.percent_required_held, 1)
            if unit.percent_required_held is not None
            else None,
            unit.gaps,
            unit.officers_with_gaps,
        ]
        for unit in summary.units
    ]
    return headers, rows


# --- One officer's record -------------------------------------------------------------------


@dataclass
class OfficerRecord:
    officer: Officer
    enrolments: list
    attempts: list
    certificates: list
    skills: list  # SkillTag columns
    cells: list  # Cell per skill
    seconds_by_course: dict = field(default_factory=dict)  # {course path: seconds spent}

    @property
    def skill_cells(self):
        return list(zip(self.skills, self.cells, strict=True))

    def minutes_spent(self, enrolment):
        """Whole minutes the officer spent with the lessons of the enrolment's course (every
        round); None when no time is recorded."""
        seconds = self.seconds_by_course.get(enrolment.course.path)
        return whole_minutes(seconds) if seconds else None

    @property
    def enrolment_times(self):
        """(enrolment, time spent as the page shows it, or None) for each enrolment."""
        return [
            (enrolment, duration_label(self.minutes_spent(enrolment)))
            for enrolment in self.enrolments
        ]

    @property
    def attempt_results(self):
        return [(attempt, attempt_result(attempt)) for attempt in self.attempts]


def officer_in_scope(user, pk):
    """The officer when the user may see them, else None (the view answers 404)."""
    return (
        Officer.objects.visible_to(user)
        .select_related("unit__parent", "job_position", "user")
        .filter(pk=pk)
        .first()
    )


def officer_record(officer, now=None) -> OfficerRecord:
    """An officer's enrolments with the time spent on each course, quiz attempts,
    certificates and skills (a fixed number of queries: enrolments, time spent, attempts,
    certificates, skills, requirements, held skills)."""
    now = now or timezone.now()
    enrolments = list(
        Enrolment.objects.filter(officer=officer)
        .select_related("course")
        .order_by("-enrolled_at", "pk")
    )
    seconds_by_course = officer_time_by_course(officer)
    attempts = list(
        Attempt.objects.filter(officer=officer)
        .select_related("quiz")
        .order_by(F("submitted_at").desc(nulls_first=True), "quiz__title", "-number")
    )
    certificates = list(
        Certificate.objects.filter(officer=officer).select_related("course").order_by("-issued_at")
    )
    skills = matrix_skills()
    required = required_skills_by_position([skill.pk for skill in skills])
    selection = MatrixSelection(
        skills=skills, required=required, officers=Officer.objects.none(), now=now
    )
    cells = matrix_rows([officer], selection)[0].cells
    return OfficerRecord(
        officer,
        enrolments,
        attempts,
        certificates,
        skills,
        cells,
        seconds_by_course=seconds_by_course,
    )


def officer_record_tables(record):
    """(sheet title, headers, rows) for each part of an officer's record."""
    officer = record.officer
    profile = (
        _("Profile"),
        [_("Field"), _("Value")],
        [
            [_("Full name"), officer.full_name],
            [_("Username"), officer.user.username],
            [_("Administrative unit"), f"{officer.unit.name} ({officer.unit.code})"],
            [_("Job position"), officer.job_position.name if officer.job_position else ""],
            [_("Title"), officer.title],
            [_("Procedure-system account"), officer.procedure_account],
        ],
    )
    enrolments = (
        _("Enrolments"),
        [
            _("Course"),
            _("Source"),
            _("Enrolled"),
            _("Deadline"),
            _("Overdue"),
            _("Completed"),
            _("Time spent (minutes)"),
        ],
        [
            [
                enrolment.course.title,
                enrolment.get_source_display(),
                enrolment.enrolled_at,
                enrolment.deadline,
                _("Yes") if enrolment.is_overdue else "",
                enrolment.completed_at,
                record.minutes_spent(enrolment),
            ]
            for enrolment in record.enrolments
        ],
    )
    attempts = (
        _("Quiz attempts"),
        [_("Quiz"), _("Attempt"), _("Submitted"), _("Score (%)"), _("Passed")],
        [
            [
                attempt.quiz.title,
                attempt.number,
                attempt.submitted_at,
                float(attempt.percent) if attempt.percent is not None else None,
                attempt_result(attempt),
            ]
            for attempt in record.attempts
        ],
    )
    certificates = (
        _("Certificates"),
        [_("Verification code"), _("Course"), _("Issued"), _("Expires"), _("Status")],
        [
            [
                certificate.code,
                certificate.course_title,
                certificate.issued_at,
                certificate.expires_at,
                str(certificate.get_effective_status_display()),
            ]
            for certificate in record.certificates
        ],
    )
    skills = (
        _("Skills"),
        [_("Skill code"), _("Skill"), _("Required for the position"), _("Status")],
        [
            [skill.code, skill.name, _("Yes") if cell.required else "", cell_label(cell)]
            for skill, cell in record.skill_cells
        ],
    )
    return [profile, enrolments, attempts, certificates, skills]


def attempt_result(attempt):
    """Passed, not passed, or why there is no result yet."""
    if attempt.state in (Attempt.State.IN_PROGRESS, Attempt.State.VOID):
        return attempt.get_state_display()
    if attempt.state == Attempt.State.NEEDS_MARKING or attempt.passed is None:
        return _("Waiting for marking")
    return _("Yes") if attempt.passed else _("No")
