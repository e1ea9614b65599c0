"""The machinery of the permission matrix: rows, expected outcomes, and checking a response.

A row is one URL (by name, or a page path) and method; its cells give the outcome expected
for each role of world.ROLES, in that order. A row with places is asked once per place
(world.PLACES): the object in the URL, or the unit in the query, belongs to that place.
"""

import io
import zipfile
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from .world import PLACES, REACH

# What a request may end in.
OK = "200"
REDIRECT = "redirect"  # 302 to anything but a login page or the admin's dashboard: it was done
LOGIN = "login"  # 302 to the site's login page
ADMIN_LOGIN = "admin_login"  # 302 to the admin's login page (no access to the admin at all)
ADMIN_HOME = "admin_home"  # 302 to the admin's dashboard: Wagtail's "permission denied"
FORBIDDEN = "403"
NOT_FOUND = "404"
NOT_ALLOWED = "405"
UNAUTHORIZED = "401"
# Within the role's reach (world.REACH), the row's `ok`; outside it, 404: the project answers
# as if an object outside the user's area did not exist.
SCOPED = "scoped"
# A form answered again with its errors (200), nothing saved: e.g. a unit outside one's area.
REFUSED = "refused"


def scoped(inside, outside=NOT_FOUND):
    """`inside` within the role's reach, else `outside` (e.g. HR may see an officer of their
    area but not delete it: 'permission denied' for their own officers, 404 for others')."""
    return (SCOPED, inside, outside)


ALLOWED = {OK, REDIRECT}


def status_of(outcome):
    """The outcome a response shows (a refusal by the form is a 200 like any page)."""
    return OK if outcome == REFUSED else outcome


PLACE_LABELS = {
    "A": "nasang",
    "B": "muongtung",
    "C": "laichau",
    "ADM": "admin_officer",
    "TRN": "trainer_officer",
    "REV": "reviewer_officer",
    "HRC": "hr_commune_officer",
    "HRP": "hr_province_officer",
}


@dataclass
class Row:
    """One URL and method, and the outcome expected for each role (world.ROLES order)."""

    name: str
    cells: tuple
    kwargs: object = None  # (world, place) -> URL kwargs
    method: str = "GET"
    ok: str = OK  # what success looks like, for SCOPED cells
    places: tuple = ()  # the places the row is asked about; () for a row without an object
    query: object = None  # (world, place) -> query parameters
    data: object = None  # (world, place) -> POST data
    headers: object = None  # (world, role) -> extra request headers (API tokens)
    path: object = None  # (world, place) -> path, for pages served by Wagtail
    # (world, place) -> a snapshot of what the request may change: denied, it must stay the
    # same; allowed, it must change (so the probe is known to see the change).
    state: object = None
    # (world, place) -> a text only this place's data shows: out of the role's reach it must
    # not appear in an allowed answer; within reach (for the asked place) it must appear.
    shows: object = None
    label: str = ""  # the test id's name when the row has no URL name (pages)
    overrides: dict = field(default_factory=dict)  # {(role, place): outcome}
    xfail: dict = field(default_factory=dict)  # {(role, place or ""): reason}

    @property
    def id(self):
        if self.label:
            return self.label
        return self.name if self.method == "GET" else f"{self.name}.{self.method.lower()}"


def expected(row, roles, role, place, reach=REACH):
    if (role, place) in row.overrides:
        return row.overrides[(role, place)]
    code = row.cells[roles.index(role)]
    if code == SCOPED:
        code = scoped(row.ok)
    if isinstance(code, tuple):
        _scoped, inside, outside = code
        return inside if place in reach[role] else outside
    return code


def url_of(row, world, place):
    if row.path:
        return row.path(world, place)
    kwargs = row.kwargs(world, place) if row.kwargs else None
    return reverse(row.name, kwargs=kwargs)


def outcome_of(response):
    status = response.status_code
    if status not in (301, 302):
        return str(status)
    path = urlsplit(response["Location"]).path
    if path == resolve_url(settings.LOGIN_URL):
        return LOGIN
    if path == reverse("wagtailadmin_login"):
        return ADMIN_LOGIN
    if path == reverse("wagtailadmin_home"):
        return ADMIN_HOME
    return REDIRECT


def body_text(response):
    """What an answer says, as text: pages, JSON, CSV, and the cells of an XLSX download."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK") and "spreadsheet" in response.get("Content-Type", ""):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if content.startswith(b"%PDF") or zipfile.is_zipfile(io.BytesIO(content)):
        return ""
    return content.decode("utf-8", errors="replace")


def leaks(row, world, role, place, text, reach=REACH):
    """Places whose data an allowed answer shows though the role may not see it, and places
    it should show but does not (a matrix that sees nothing would prove nothing)."""
    shown_wrongly, missing = [], []
    for other in PLACES:
        marker = row.shows(world, other)
        visible = other in reach[role]
        if not visible and marker in text:
            shown_wrongly.append(other)
        asked = other == place if place in PLACES else True
        if visible and asked and marker not in text:
            missing.append(other)
    return shown_wrongly, missing


def cases(rows, roles):
    """(row, role, place) for every cell, with its pytest id."""
    for row in rows:
        for role in roles:
            for place in row.places or ("",):
                suffix = f"-{PLACE_LABELS[place]}" if place else ""
                yield (row, role, place), f"{row.id}-{role}{suffix}"
