"""Reports on the national dataset: the ORM report functions against hand-written SQL.

Run from the repository root:

    .venv/bin/python benchmarks/reports.py            # 140,000 officers in 3,321 communes
    .venv/bin/python benchmarks/reports.py --officers 20000 --communes 500
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kynangso_synth \\
        .venv/bin/python benchmarks/reports.py --existing --explain

The dataset is built with the synthetic generator (demo/synthetic.py) in a throwaway database
(see throwaway.py), or, with --existing, read from the database DATABASE_URL names as it is (one
filled by `manage.py generate_synthetic`; nothing is written to it). Five reports are timed:

  (a) the province report: coverage by commune of one province (reports.queries.coverage_by_unit
      with the province as the unit filter);
  (b) the national roll-up: coverage by province (coverage_by_unit for an administrator);
  (c) the competency matrix: the first page of one province, with its summary
      (reports.competency.competency_matrix);
  (d) the national coverage by course, with the time spent on each course's lessons
      (reports.queries.coverage_by_course for an administrator);
  (e) the competency matrix of the whole country: an administrator with no unit chosen.

For each: the queries the report runs, its server time (median of --repeat runs after a warm-up,
Python included; a report slower than 5 s is timed once), and the time of portable hand-written
SQL (SQLite and PostgreSQL) computing the same numbers, which are checked to be equal. With
--explain on PostgreSQL, each report query is run under EXPLAIN ANALYZE and its scans are listed.
Nothing is asserted about time; the run fails (exit status 1) when a report's numbers differ
from the SQL's. --reports picks some of them by letter (e.g. --reports ce).
"""

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from throwaway import choose_database, throwaway_database  # noqa: E402

if "--existing" not in sys.argv:
    choose_database("reports-bench")
else:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.test_settings")

import django  # noqa: E402

django.setup()

from contextlib import nullcontext  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page  # noqa: E402

from demo.synthetic import DEFAULT_COMMUNES, DEFAULT_OFFICERS, generate  # noqa: E402
from officers.models import Officer  # noqa: E402
from units.models import AdministrativeUnit, Level  # noqa: E402

STEPLEN = Page.steplen  # characters of a page's path per level of the tree

# --- The ORM side: the report functions of reports/queries.py and reports/competency.py -------


def orm_province_report(user, province, today, now):
    from reports.queries import ReportFilters, coverage_by_unit

    rows = coverage_by_unit(user, ReportFilters(unit=province), today=today)
    return _coverage_numbers(rows)


def orm_national_rollup(user, province, today, now):
    from reports.queries import coverage_by_unit

    return _coverage_numbers(coverage_by_unit(user, today=today))


def _coverage_numbers(rows):
    return {
        row.unit.pk: (row.officers, row.enrolled, row.enrolments, row.completed, row.overdue)
        for row in rows
    }


def orm_course_times(user, province, today, now):
    from reports.queries import coverage_by_course

    return {
        row.course_id: (
            row.enrolments,
            row.completed,
            row.overdue,
            row.officers_with_time,
            row.seconds_spent,
        )
        for row in coverage_by_course(user, today=today)
    }


def orm_competency_page(user, province, today, now):
    from reports.competency import competency_matrix

    return _matrix_figures(competency_matrix(user, unit=province, page=1, now=now))


def orm_country_competency(user, province, today, now):
    from reports.competency import competency_matrix

    return _matrix_figures(competency_matrix(user, page=1, now=now))


def _matrix_figures(matrix):
    summary = matrix.summary
    return {
        "page": [
            (row.officer.pk, tuple((c.held, c.required) for c in row.cells)) for row in matrix.rows
        ],
        "skills": {
            item.skill.pk: (item.officers, item.held, item.required, item.gaps)
            for item in summary.skills
        },
        "units": {
            unit.unit_id: (unit.officers, unit.required, unit.gaps, unit.officers_with_gaps)
            for unit in summary.units
        },
        "count": matrix.page.paginator.count,
    }


# --- The hand-written side: portable SQL (SQLite and PostgreSQL) -----------------------------

# Units of a province's tree (the province, its communes and, before 2025, districts' communes):
# as units.models.within_q, but as a list of ids the planner can look officers up by.
TREE = """
    SELECT u.id FROM units_administrativeunit u
    LEFT JOIN units_administrativeunit p ON p.id = u.parent_id
    WHERE u.id = %s OR u.parent_id = %s OR p.parent_id = %s
"""
CURRENT = (
    "(u.valid_from IS NULL OR u.valid_from <= %s) AND (u.valid_to IS NULL OR u.valid_to >= %s)"
)
# Enrolments counted per officer first: the officers enrolled are then those with a count,
# with no COUNT(DISTINCT …) over a million rows.
PER_OFFICER = """
    SELECT e.officer_id, COUNT(*) AS enrolments,
           SUM(CASE WHEN e.completed_at IS NOT NULL THEN 1 ELSE 0 END) AS completed,
           SUM(CASE WHEN e.deadline < %s AND e.completed_at IS NULL THEN 1 ELSE 0 END) AS overdue
    FROM courses_enrolment e
"""
PER_UNIT = """
    SELECT o.unit_id, COUNT(*) AS officers, COUNT(po.officer_id) AS enrolled,
           COALESCE(SUM(po.enrolments), 0) AS enrolments,
           COALESCE(SUM(po.completed), 0) AS completed, COALESCE(SUM(po.overdue), 0) AS overdue
    FROM officers_officer o LEFT JOIN per_officer po ON po.officer_id = o.id
"""


def sql_province_report(user, province, today, now):
    """Officers and enrolment counts per unit of the province (communes in force, and any unit
    of the tree with officers), in one statement."""
    sql = f"""
        WITH tree AS ({TREE}),
        per_officer AS (
            {PER_OFFICER}
            WHERE e.officer_id IN (
                SELECT o.id FROM officers_officer o WHERE o.unit_id IN (SELECT id FROM tree)
            )
            GROUP BY e.officer_id
        ),
        per_unit AS ({PER_UNIT} WHERE o.unit_id IN (SELECT id FROM tree) GROUP BY o.unit_id)
        SELECT k.id, COALESCE(pu.officers, 0), COALESCE(pu.enrolled, 0),
               COALESCE(pu.enrolments, 0), COALESCE(pu.completed, 0), COALESCE(pu.overdue, 0)
        FROM (
            SELECT u.id FROM units_administrativeunit u
            WHERE u.parent_id = %s AND u.level = {Level.COMMUNE} AND {CURRENT}
            UNION SELECT unit_id FROM per_unit
        ) k
        LEFT JOIN per_unit pu ON pu.unit_id = k.id
    """  # noqa: S608 — fixed fragments; values are parameters
    today = connection.ops.adapt_datefield_value(today)
    return _rows(sql, [*[province.pk] * 3, today, province.pk, today, today])


def sql_national_rollup(user, province, today, now):
    """Officers and enrolment counts per province (an officer counts in the province their
    unit is, or lies under), in one statement: per officer, per unit, then per province."""
    province_of = f"""
        CASE WHEN u.level = {Level.PROVINCE} THEN u.id
             WHEN p.level = {Level.PROVINCE} THEN p.id
             ELSE p.parent_id END
    """
    sql = f"""
        WITH per_officer AS ({PER_OFFICER} GROUP BY e.officer_id),
        per_unit AS ({PER_UNIT} GROUP BY o.unit_id),
        per_province AS (
            SELECT {province_of} AS province_id, SUM(pu.officers) AS officers,
                   SUM(pu.enrolled) AS enrolled, SUM(pu.enrolments) AS enrolments,
                   SUM(pu.completed) AS completed, SUM(pu.overdue) AS overdue
            FROM per_unit pu
            JOIN units_administrativeunit u ON u.id = pu.unit_id
            LEFT JOIN units_administrativeunit p ON p.id = u.parent_id
            GROUP BY {province_of}
        )
        SELECT k.id, COALESCE(pp.officers, 0), COALESCE(pp.enrolled, 0),
               COALESCE(pp.enrolments, 0), COALESCE(pp.completed, 0), COALESCE(pp.overdue, 0)
        FROM (
            SELECT u.id FROM units_administrativeunit u
            WHERE u.level = {Level.PROVINCE} AND {CURRENT}
            UNION SELECT province_id FROM per_province
        ) k
        LEFT JOIN per_province pp ON pp.province_id = k.id
    """  # noqa: S608 — fixed fragments; values are parameters
    today = connection.ops.adapt_datefield_value(today)
    return _rows(sql, [today, today, today])


def sql_course_times(user, province, today, now):
    """Enrolment counts per course, and the time enrolled officers spent with its lessons: each
    officer's time per course first (a lesson's course is its parent page), then kept for the
    officers enrolled in that course. One statement."""
    sql = f"""
        WITH per_course AS (
            SELECT e.course_id, COUNT(*) AS enrolments,
                   SUM(CASE WHEN e.completed_at IS NOT NULL THEN 1 ELSE 0 END) AS completed,
                   SUM(CASE WHEN e.deadline < %s AND e.completed_at IS NULL THEN 1 ELSE 0 END)
                       AS overdue
            FROM courses_enrolment e GROUP BY e.course_id
        ),
        officer_time AS (
            SELECT v.officer_id, c.id AS course_id, SUM(v.seconds_spent) AS seconds
            FROM courses_lessonvisit v
            JOIN wagtailcore_page l ON l.id = v.lesson_id
            JOIN wagtailcore_page c ON c.path = SUBSTR(l.path, 1, LENGTH(l.path) - {STEPLEN})
            WHERE v.seconds_spent > 0
            GROUP BY v.officer_id, c.id
        ),
        per_course_time AS (
            SELECT t.course_id, COUNT(*) AS officers, SUM(t.seconds) AS seconds
            FROM officer_time t
            JOIN courses_enrolment e ON e.officer_id = t.officer_id AND e.course_id = t.course_id
            GROUP BY t.course_id
        )
        SELECT pc.course_id, pc.enrolments, pc.completed, pc.overdue,
               COALESCE(pt.officers, 0), COALESCE(pt.seconds, 0)
        FROM per_course pc LEFT JOIN per_course_time pt ON pt.course_id = pc.course_id
    """  # noqa: S608 — fixed fragments; values are parameters
    return _rows(sql, [connection.ops.adapt_datefield_value(today)])


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: tuple(int(v) for v in row[1:]) for row in cursor.fetchall()}


# The matrix: the officers in scope, the skills live courses teach, the skills required of each
# position (live courses required for it), and who holds what (a completed course teaching the
# skill, or a certificate in force listing its code in its snapshot). The scope is the officers
# of a province's tree, or of the whole country.
PROVINCE_SCOPE = f"""
    tree AS ({TREE}),
    scope AS (
        SELECT o.id, o.unit_id, o.job_position_id, o.sort_key
        FROM officers_officer o WHERE o.unit_id IN (SELECT id FROM tree)
    )
"""  # noqa: S608 — fixed fragments; values are parameters
COUNTRY_SCOPE = """
    scope AS (SELECT o.id, o.unit_id, o.job_position_id, o.sort_key FROM officers_officer o)
"""


def matrix_ctes(scope):
    return f"""
    WITH {scope},
    skills AS (
        SELECT DISTINCT s.id AS skill_id, s.code, s.framework
        FROM courses_skilltag s
        JOIN courses_coursepage_skill_tags t ON t.skilltag_id = s.id
        JOIN wagtailcore_page pg ON pg.id = t.coursepage_id
        WHERE pg.live
    ),
    required AS (
        SELECT DISTINCT r.jobposition_id AS position_id, t.skilltag_id AS skill_id
        FROM courses_coursepage_required_for_positions r
        JOIN courses_coursepage_skill_tags t ON t.coursepage_id = r.coursepage_id
        JOIN wagtailcore_page pg ON pg.id = r.coursepage_id
        WHERE pg.live AND t.skilltag_id IN (SELECT skill_id FROM skills)
    ),
    held AS (
        SELECT e.officer_id, t.skilltag_id AS skill_id
        FROM courses_enrolment e
        JOIN courses_coursepage_skill_tags t ON t.coursepage_id = e.course_id
        WHERE e.completed_at IS NOT NULL AND e.officer_id IN (SELECT id FROM scope)
          AND t.skilltag_id IN (SELECT skill_id FROM skills)
        UNION
        SELECT c.officer_id, sk.skill_id
        FROM certification_certificate c
        JOIN skills sk ON CAST(c.skills AS TEXT) LIKE '%%"code": "' || sk.code || '"%%'
        WHERE c.status = 'valid' AND (c.expires_at IS NULL OR c.expires_at > %s)
          AND c.officer_id IN (SELECT id FROM scope)
    )
    """  # noqa: S608 — fixed fragments; values are parameters


def sql_competency_page(user, province, today, now):
    return sql_matrix(matrix_ctes(PROVINCE_SCOPE), [*[province.pk] * 3], now)


def sql_country_competency(user, province, today, now):
    return sql_matrix(matrix_ctes(COUNTRY_SCOPE), [], now)


def sql_matrix(ctes, scope_params, now, per_page=100):
    # As Django stores it: naive UTC text on SQLite, a timestamp with time zone on PostgreSQL.
    params = [*scope_params, connection.ops.adapt_datetimefield_value(now)]
    # One row per officer and skill: held (0/1) and required (0/1).
    cells = f"""{ctes},
        cells AS (
            SELECT sc.id AS officer_id, sc.unit_id, sk.skill_id,
                   CASE WHEN h.officer_id IS NULL THEN 0 ELSE 1 END AS held,
                   CASE WHEN rq.position_id IS NULL THEN 0 ELSE 1 END AS required
            FROM scope sc CROSS JOIN skills sk
            LEFT JOIN held h ON h.officer_id = sc.id AND h.skill_id = sk.skill_id
            LEFT JOIN required rq
                ON rq.position_id = sc.job_position_id AND rq.skill_id = sk.skill_id
        )
    """  # noqa: S608 — fixed fragments; values are parameters
    by_unit_and_skill = f"""{cells}
        SELECT unit_id, skill_id, SUM(held), SUM(required),
               SUM(CASE WHEN required = 1 AND held = 0 THEN 1 ELSE 0 END)
        FROM cells GROUP BY unit_id, skill_id
    """  # noqa: S608 — fixed fragments; values are parameters
    by_unit = f"""{cells}
        SELECT unit_id, COUNT(*), SUM(gap) FROM (
            SELECT officer_id, unit_id,
                   MAX(CASE WHEN required = 1 AND held = 0 THEN 1 ELSE 0 END) AS gap
            FROM cells GROUP BY officer_id, unit_id
        ) officers
        GROUP BY unit_id
    """  # noqa: S608 — fixed fragments; values are parameters
    page = f"""{ctes},
        page AS (SELECT id, job_position_id, sort_key FROM scope ORDER BY sort_key, id LIMIT %s)
        SELECT p.id, sk.skill_id,
               CASE WHEN h.officer_id IS NULL THEN 0 ELSE 1 END,
               CASE WHEN rq.position_id IS NULL THEN 0 ELSE 1 END
        FROM page p CROSS JOIN skills sk
        LEFT JOIN held h ON h.officer_id = p.id AND h.skill_id = sk.skill_id
        LEFT JOIN required rq ON rq.position_id = p.job_position_id AND rq.skill_id = sk.skill_id
        ORDER BY p.sort_key, p.id, sk.framework, sk.code
    """  # noqa: S608 — fixed fragments; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(by_unit_and_skill, params)
        cells = cursor.fetchall()
        cursor.execute(by_unit, params)
        units_rows = cursor.fetchall()
        cursor.execute(page, [*params, per_page])
        page_rows = cursor.fetchall()
    officers = sum(n for _unit, n, _gaps in units_rows)
    skills = defaultdict(lambda: [officers, 0, 0, 0])
    units = {unit: [n, 0, 0, gaps] for unit, n, gaps in units_rows}
    for unit, skill, held, required, gaps in cells:
        skills[skill][1] += held
        skills[skill][2] += required
        skills[skill][3] += gaps
        units[unit][1] += required
        units[unit][2] += gaps
    page_cells = defaultdict(list)
    for officer, _skill, held, required in page_rows:
        page_cells[officer].append((bool(held), bool(required)))
    return {
        "page": [(officer, tuple(cells)) for officer, cells in page_cells.items()],
        "skills": {skill: tuple(v) for skill, v in skills.items()},
        "units": {unit: tuple(v) for unit, v in units.items()},
        "count": officers,
    }


# --- Harness ---------------------------------------------------------------------------------


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


TARGET_MS = 1_000  # the national roll-up and the whole-country matrix
NATIONAL_OFFICERS = 100_000  # the targets are for PostgreSQL at about national size
SLOW_MS = 5_000  # a report this slow is timed once: its warm-up run is the measurement


def timed(function, args, repeat):
    """(median ms, queries of one run, result): a warm-up run (which counts the queries), then
    `repeat` timed runs, unless the warm-up alone took more than SLOW_MS."""
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        begin = time.perf_counter()
        result = function(*args)
        warm_up = (time.perf_counter() - begin) * 1000
    if warm_up > SLOW_MS:
        return warm_up, counter.count, result
    timings = []
    for _run in range(repeat):
        begin = time.perf_counter()
        result = function(*args)
        timings.append((time.perf_counter() - begin) * 1000)
    return statistics.median(timings), counter.count, result


def same(orm, raw):
    """Whether the two sides give the same numbers (a unit with nothing may be missing)."""
    if isinstance(orm, dict) and "page" in orm:
        return all(same(orm[key], raw[key]) for key in orm)
    if isinstance(orm, dict):
        zero = (0,) * len(next(iter(orm.values()), ()))
        keys = set(orm) | set(raw)
        return all(orm.get(key, zero) == raw.get(key, zero) for key in keys)
    return orm == raw


def explain(label, function, args):
    """EXPLAIN ANALYZE every query the report runs (PostgreSQL); print the scans."""
    with CaptureQueriesContext(connection) as captured:
        function(*args)
    print(f"\n{label}: {len(captured.captured_queries)} queries")
    for number, query in enumerate(captured.captured_queries, 1):
        sql = query["sql"]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
        total = next((line for line in plan if line.startswith("Execution Time")), "")
        print(f"  [{number}] {total.replace('Execution Time: ', '')}  {sql[:90]}…")
        for line in plan:
            text = line.strip().lstrip("-> ").strip()
            if any(
                word in text for word in ("Seq Scan", "Index Scan", "Index Only Scan", "Bitmap")
            ):
                detail = text.split("  (")[0]
                rows = text.split("actual time=")[-1].split(" rows=")[-1].split(" ")[0]
                print(f"        {detail}  (rows {rows})")


def pick_province(code):
    provinces = AdministrativeUnit.objects.current().filter(level=Level.PROVINCE)
    if code:
        return provinces.get(code=code)
    # The province with the most officers: the heaviest province report.
    counts = defaultdict(int)
    for parent_id, n in (
        Officer.objects.filter(unit__parent__level=Level.PROVINCE)
        .values_list("unit__parent_id")
        .order_by()
        .annotate(n=Count("pk"))
    ):
        counts[parent_id] += n
    return provinces.get(pk=max(counts, key=counts.get))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--officers", type=int, default=DEFAULT_OFFICERS)
    parser.add_argument("--communes", type=int, default=DEFAULT_COMMUNES)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--province", help="2-digit code; default: the one with most officers")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (at least 1)")
    parser.add_argument(
        "--existing",
        action="store_true",
        help="Benchmark the database DATABASE_URL names as it is (already generated).",
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE (PostgreSQL)")
    parser.add_argument(
        "--reports", default="abcde", help="which reports to time, by letter (default: all)"
    )
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    context = nullcontext(f"{connection.vendor}, existing ({connection.settings_dict['NAME']})")
    with context if args.existing else throwaway_database() as where:
        print(f"Database: {where}")
        if args.existing:
            if not Officer.objects.exists():
                sys.exit("This database holds no officers: run manage.py generate_synthetic.")
        else:
            totals = generate(
                officers=args.officers,
                communes=args.communes,
                seed=args.seed,
                progress=lambda message: print(message, flush=True),
            )
            for line in totals.lines():
                print(f"  {line}")
        run(args)


def run(args):
    # An administrator who is nobody's officer: sees the whole country, writes nothing.
    admin = get_user_model()(username="bench.admin", is_superuser=True, is_staff=True)
    province = pick_province(args.province)
    officers = Officer.objects.count()
    in_province = Officer.objects.in_unit(province).count()
    today, now = timezone.localdate(), timezone.now()
    print(
        f"\n{officers:,} officers; province {province.code} {province.name}: {in_province:,} "
        f"officers; median of {args.repeat} runs after a warm-up (one run when over "
        f"{SLOW_MS / 1000:.0f} s)\n"
    )
    cases = [
        ("(a) province report: coverage by commune", orm_province_report, sql_province_report),
        ("(b) national roll-up: coverage by province", orm_national_rollup, sql_national_rollup),
        ("(c) competency matrix, first page + summary", orm_competency_page, sql_competency_page),
        ("(d) national coverage by course + time spent", orm_course_times, sql_course_times),
        (
            "(e) competency matrix of the whole country",
            orm_country_competency,
            sql_country_competency,
        ),
    ]
    cases = [case for case in cases if case[0][1] in args.reports]
    call = (admin, province, today, now)
    print(f"{'report':<46} {'queries':>7} {'ORM ms':>9} {'SQL ms':>9} {'ratio':>6}  same numbers")
    served, differ = {}, []
    national = connection.vendor == "postgresql" and officers >= NATIONAL_OFFICERS
    for label, orm, raw in cases:
        orm_ms, queries, orm_result = timed(orm, call, args.repeat)
        served[orm] = orm_ms
        raw_ms, raw_queries, raw_result = timed(raw, call, args.repeat)
        agree = "yes" if same(orm_result, raw_result) else "NO — they differ"
        if agree != "yes":
            differ.append(label)
        print(
            f"{label:<46} {queries:>7} {orm_ms:>9.1f} {raw_ms:>9.1f} "
            f"{orm_ms / raw_ms:>6.2f}  {agree} ({raw_queries} SQL statements)"
        )
    for orm, name, issue in (
        (orm_national_rollup, "National roll-up", 6),
        (orm_country_competency, "Whole-country competency matrix", 14),
    ):
        if orm in served and not national:
            print(f"\n{name} served in {served[orm]:.0f} ms (its target is for national size).")
        elif orm in served:
            verdict = "met" if served[orm] < TARGET_MS else "NOT met"
            print(
                f"\n{name} served in {served[orm]:.0f} ms: the target of under {TARGET_MS} ms "
                f"(issue {issue}, PostgreSQL, national dataset) is {verdict}."
            )
    if differ:
        sys.exit(f"The report and the hand-written SQL differ: {', '.join(differ)}.")
    if args.explain:
        if connection.vendor != "postgresql":
            print("\n--explain needs PostgreSQL; skipped.")
            return
        for label, orm, _raw in cases:
            explain(label, orm, call)


if __name__ == "__main__":
    main()
