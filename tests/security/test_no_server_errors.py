"""No URL answers 500, whatever its query string or form: a property-based test.

The URLs are the permission matrix's (every view of the project, Wagtail pages of the matrix's
world, the API; tests/security/test_permission_matrix.py), plus the Wagtail admin reports HR
can reach. Each is asked as anonymous, a learner, a commune's HR officer and a trainer (and the
API with a province's token), with query strings — and, for forms, posted fields — made by
hypothesis: the keys the platform's views read (`request.GET`, the report and listing filters)
and random ones, with values that have broken views before: NUL bytes (PostgreSQL refuses them
in text), huge and negative numbers, Unicode digits such as "²" (`str.isdigit()` says yes,
`int()` says no), words where numbers are expected, empty values.

Bounded for CI: derandomized, so a run is reproducible, and a fixed number of examples (about
a minute on each database on a 2-core machine). Every request runs in a savepoint that is
rolled back, so one example cannot change what the next one sees.
"""

from urllib.parse import urlencode

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from .matrix import url_of
from .test_permission_matrix import API_ROWS, ROWS, api_headers
from .world import built_world, signed_in_clients

ROLES = ("anonymous", "learner", "hr_commune", "trainer")

# What the views and filters read: grep request.GET / request.POST, the filter sets of
# reports/filters.py, officers/filters.py, reports/audit_log.py, Wagtail's listings and the
# pull API.
KEYS = (
    "p",
    "page",
    "q",
    "code",
    "next",
    "quiz",
    "slot",
    "export",
    "table",
    "unit",
    "track",
    "course",
    "job_position",
    "linked",
    "framework",
    "gaps_only",
    "old_unit",
    "status",
    "action",
    "actor",
    "at_after",
    "at_before",
    "enrolled_after",
    "enrolled_before",
    "submitted_after",
    "submitted_before",
    "ordering",
    "positions",
    "go_to",
    "submit",
    "account",
    "reason",
    "since",
    "limit",
    "offset",
    "cursor",
    "content_type",
    "timestamp",
    "user",
    "id",
)

NASTY = (
    "\x00",
    "a\x00b",
    "²",
    "٣",
    "１２",
    "abc",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "",
    " ",
    "=1+1",
    "2026-13-45",
    "null",
    "../../etc/passwd",
    "%",
    "\ud7ff",
    "csv",
    "xlsx",
)

values = st.one_of(
    st.sampled_from(NASTY),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=12),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=8))
queries = st.dictionaries(keys, st.lists(values, min_size=1, max_size=2), max_size=4)

# Wagtail's own admin pages that HR reaches (the matrix holds only the project's).
WAGTAIL_PATHS = (
    "/admin/",
    "/admin/reports/site-history/",
    "/admin/reports/aging-pages/",
    "/admin/reports/locked/",
    "/admin/pages/search/",
    "/admin/pages/",
)


def _targets():
    """(label, method, how to build the URL and the base data, headers maker)."""
    found = []
    seen = set()
    for row in ROWS:
        if (row.id, row.method) in seen:
            continue
        seen.add((row.id, row.method))
        found.append((row.id, row.method, row, None))
    for row in API_ROWS:
        if (row.id, row.method) not in seen:
            seen.add((row.id, row.method))
            found.append((row.id, row.method, row, "api"))
    for path in WAGTAIL_PATHS:
        found.append((path, "GET", path, None))
    return found


TARGETS = _targets()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), built_world(tmp_path_factory.mktemp("fuzz-ca")) as world:
        yield world


@pytest.fixture(scope="module")
def clients(world, django_db_blocker):
    # A 500 comes back as a response (and its traceback in the log), so that the sweep can
    # list every URL that fails.
    with django_db_blocker.unblock():
        return signed_in_clients(
            world, {role: role for role in ROLES}, raise_request_exception=False
        )


def _request(world, clients, target, role, query):
    label, method, row, kind = target
    client = clients[role]
    client.cookies.pop("messages", None)
    headers = api_headers(world, "token_province") if kind == "api" else {}
    if isinstance(row, str):
        url, base_query, data = row, {}, {}
    else:
        url = url_of(row, world, "A")
        base_query = row.query(world, "A") if row.query else {}
        data = row.data(world, "A") if row.data else {}
    if method == "GET":
        merged = {key: [value] for key, value in base_query.items()} | query
        return client.get(url, merged, **headers)
    if isinstance(data, str):
        return client.post(url, data, content_type="application/csp-report", **headers)
    return client.post(f"{url}?{urlencode(query, doseq=True)}", {**data, **query}, **headers)


def _by_label(label):
    return next(target for target in TARGETS if target[0] == label)


@pytest.mark.django_db
@settings(
    max_examples=1000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(target=st.sampled_from(TARGETS), role=st.sampled_from(ROLES), query=queries)
# What an outside audit of production found (issue 13).
@example(target=_by_label("attempt_page"), role="learner", query={"page": ["abc"]})
@example(target=_by_label("attempt_page"), role="learner", query={"page": ["²"]})
@example(target=_by_label("attempt_save.post"), role="learner", query={"go_to": ["abc"]})
@example(target=_by_label("attempt_save.post"), role="learner", query={"positions": ["²"]})
@example(target=_by_label("search"), role="anonymous", query={"q": ["\x00"]})
@example(target=_by_label("marking_queue"), role="trainer", query={"quiz": ["²"]})
def test_no_query_string_makes_a_server_error(world, clients, target, role, query):
    with transaction.atomic():
        response = _request(world, clients, target, role, query)
        transaction.set_rollback(True)
    assert response.status_code < 500, (target[0], role, query, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("value", ["\x00", "²", "abc", "-1", "99999999999999999999999999"])
def test_every_url_takes_every_known_key_with_a_bad_value(world, clients, role, value):
    """The sweep behind the random search: each URL once per role, every key it may read set
    to the same bad value."""
    failures = []
    query = {key: [value] for key in KEYS}
    for target in TARGETS:
        with transaction.atomic():
            response = _request(world, clients, target, role, query)
            transaction.set_rollback(True)
        if response.status_code >= 500:
            failures.append(target[0])
    assert not failures, failures
