"""Bulk import of officers from CSV or XLSX files, all-or-nothing.

Every row is checked before anything is written. A file with any bad row changes nothing and
yields the list of problems by row and column; a good file creates or updates officers (keyed
by the login name), so importing the same file twice changes nothing the second time.
"""

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import audit
from audit.models import Action
from audit.recorder import common_unit
from toolkit.db import chunked
from toolkit.text import fold
from toolkit.uploads import megabytes
from units.models import AdministrativeUnit

from . import events, roles, usernames
from .account_log import record_account_change
from .models import JobPosition, Officer, national_id_validator, normalize_phone, phone_validator
from .names import sort_key


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    aliases: tuple
    required: bool = False


COLUMNS = [
    Column("username", gettext_lazy("Username"), ("ten_dang_nhap", "username"), True),
    Column("full_name", gettext_lazy("Full name"), ("ho_va_ten", "ho_ten", "full_name"), True),
    Column("unit_code", gettext_lazy("Unit code"), ("ma_don_vi", "ma_dvhc", "unit_code"), True),
    Column(
        "job_position",
        gettext_lazy("Job position"),
        ("vi_tri_viec_lam", "ma_vi_tri_viec_lam", "job_position"),
    ),
    Column("title", gettext_lazy("Title"), ("chuc_danh", "title")),
    Column("email", gettext_lazy("Email"), ("email", "thu_dien_tu")),
    Column("phone", gettext_lazy("Phone"), ("so_dien_thoai", "dien_thoai", "phone")),
    Column(
        "national_id",
        gettext_lazy("Citizen ID (CCCD)"),
        ("cccd", "so_cccd", "so_dinh_danh_ca_nhan", "national_id"),
    ),
    Column(
        "procedure_account",
        gettext_lazy("Procedure-system account"),
        ("tai_khoan_mot_cua", "tai_khoan_he_thong_tthc", "procedure_account"),
    ),
]
# The headers of the template file offered for download, in Vietnamese as HR writes them.
TEMPLATE_HEADERS = [
    "Tên đăng nhập",
    "Họ và tên",
    "Mã đơn vị",
    "Vị trí việc làm",
    "Chức danh",
    "Email",
    "Số điện thoại",
    "CCCD",
    "Tài khoản một cửa",
]


class ImportFileError(Exception):
    """The file as a whole cannot be read."""


@dataclass
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self):
        if self.row:
            return _("Row %(row)d, column “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return self.message


@dataclass
class ImportResult:
    problems: list = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self):
        return not self.problems


def header_key(text):
    """'Họ và tên' → 'ho_va_ten': headers match without accents, case or punctuation."""
    text = fold(str(text or ""))
    return "_".join("".join(c if c.isalnum() else " " for c in text).split())


def read_table(content, filename):
    """Header and rows (lists of strings, with their row numbers) from CSV or XLSX bytes.

    Rows are read one at a time and the file is refused as soon as it passes a limit
    (OFFICER_IMPORT_MAX_ROWS, _COLUMNS, and for an .xlsx the unpacked size of its parts): a
    small file may unpack into millions of rows, which must not hold a worker for minutes.
    """
    name = filename.lower()
    is_zip = content[:4] == b"PK\x03\x04"
    if name.endswith(".xls") or content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(
            _("This is an old Excel (.xls) file. Save it as Excel Workbook (.xlsx) or CSV UTF-8.")
        )
    if name.endswith(".xlsx") or is_zip:
        rows = _bounded(_read_xlsx(content))
    elif name.endswith(".csv") or name.endswith(".txt"):
        rows = _bounded(_read_csv(content))
    else:
        raise ImportFileError(_("Unsupported file type. Upload a .csv (UTF-8) or .xlsx file."))
    if not rows:
        raise ImportFileError(_("The file is empty."))
    return rows[0][1], rows[1:]


def _bounded(rows):
    """The rows as a list of (number, cells), refused while being read when there are more
    than OFFICER_IMPORT_MAX_ROWS officer rows or a row has a value beyond
    OFFICER_IMPORT_MAX_COLUMNS columns."""
    max_rows, max_columns = settings.OFFICER_IMPORT_MAX_ROWS, settings.OFFICER_IMPORT_MAX_COLUMNS
    table = []
    for number, row in enumerate(rows, start=1):
        if number > max_rows + 1:  # the header is not an officer
            raise ImportFileError(
                _(
                    "The file has more than %(limit)d officer rows, the most one import may "
                    "hold. Split it into several files."
                )
                % {"limit": max_rows}
            )
        if any(value not in (None, "") for value in row[max_columns:]):
            raise ImportFileError(
                _(
                    "Row %(row)d has a value beyond column %(limit)d: an officer file holds "
                    "only the template's columns."
                )
                % {"row": number, "limit": max_columns}
            )
        table.append((number, [_cell_text(value) for value in row[:max_columns]]))
    return table


def _read_csv(content):
    """The CSV's rows, one at a time (the upload's size bounds the text)."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = content.decode("utf-16")
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = content[: error.start].count(b"\n") + 1
            raise ImportFileError(
                _(
                    "The file is not in UTF-8 (unreadable text on line %(line)d). In Excel, "
                    "choose Save As → “CSV UTF-8 (Comma delimited)”."
                )
                % {"line": line}
            ) from error
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file is malformed: %(error)s") % {"error": error}
        ) from error


def _read_xlsx(content):
    """The first sheet's rows (values), one at a time, after the ZIP's parts are checked."""
    from openpyxl import load_workbook

    # A damaged file can fail while opening or only while its sheet is read (bad XML, bad
    # compressed data), so both are inside the same guard.
    try:
        _check_zip(content)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # A sheet may declare any size (<dimension ref="A1:XFD1048576">) and openpyxl pads
            # each row to it: one column more than allowed is enough to see a value there.
            limit = settings.OFFICER_IMPORT_MAX_COLUMNS + 1
            yield from sheet.iter_rows(max_col=limit, values_only=True)
        finally:
            workbook.close()
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        KeyError,
        IndexError,
        OSError,
        ValueError,
        SyntaxError,  # xml.etree.ElementTree.ParseError
        NotImplementedError,
    ) as error:
        raise ImportFileError(
            _("The Excel file cannot be opened; it may be damaged. Save it again as .xlsx.")
        ) from error


# A part this small may compress very well (an empty sheet, styles) without harm.
ZIP_RATIO_FROM_BYTES = 1024 * 1024


def _check_zip(content):
    """Refuse an .xlsx whose parts would unpack into too much, before anything is unpacked.

    The sizes are those the ZIP declares: Python's zipfile never unpacks more than a part
    declares (it stops there, and the checksum then fails), so they bound the work.
    """
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = archive.infolist()
    total = sum(part.file_size for part in parts)
    limit = settings.OFFICER_IMPORT_MAX_UNZIPPED_BYTES
    if total > limit:
        raise ImportFileError(
            _(
                "The Excel file unpacks to %(size)s MB, more than the %(limit)s MB an officer "
                "file may hold. Split it into several files."
            )
            % {"size": megabytes(total), "limit": megabytes(limit)}
        )
    ratio = settings.OFFICER_IMPORT_MAX_ZIP_RATIO
    for part in parts:
        if part.file_size > ZIP_RATIO_FROM_BYTES and part.file_size > ratio * max(
            part.compress_size, 1
        ):
            raise ImportFileError(
                _(
                    "The Excel file is refused: its part “%(part)s” unpacks to more than "
                    "%(ratio)d times its packed size, which no spreadsheet of officers does. "
                    "Save the list again from Excel as .xlsx."
                )
                % {"part": part.filename, "ratio": ratio}
            )


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def map_columns(header):
    """Index of each known field in the header; problems for missing or unknown columns."""
    by_alias = {alias: column for column in COLUMNS for alias in column.aliases}
    positions, problems, seen = {}, [], {}
    for index, text in enumerate(header):
        key = header_key(text)
        if not key:
            continue
        column = by_alias.get(key)
        if column is None:
            problems.append(
                RowProblem(
                    1,
                    str(text),
                    _("unknown column. Expected columns: %(columns)s.")
                    % {"columns": ", ".join(TEMPLATE_HEADERS)},
                )
            )
        elif column.field in seen:
            problems.append(RowProblem(1, str(text), _("this column appears twice.")))
        else:
            seen[column.field] = text
            positions[column.field] = index
    missing = [str(c.label) for c in COLUMNS if c.required and c.field not in positions]
    if missing:
        problems.append(
            RowProblem(
                0,
                "",
                _(
                    "Required columns are missing: %(columns)s. The first row must "
                    "hold the column names."
                )
                % {"columns": ", ".join(missing)},
            )
        )
    return positions, {field: str(text) for field, text in seen.items()}, problems


def import_officers(content, filename, user=None):
    """Validate the whole file, then save it in one transaction, or save nothing.

    `user` is the HR officer importing; rows for units outside their area are refused.
    None means an unrestricted import (management command).
    """
    result = _check_and_save(content, filename, user)
    if not result.ok:
        # Nothing was written, but a refused import is still worth knowing about.
        audit.record(
            user,
            Action.OFFICERS_IMPORT_REFUSED,
            unit=None if user is None else roles.hr_scope_of(user),
            file=filename,
            problems=len(result.problems),
        )
    return result


def _check_and_save(content, filename, user):
    result = ImportResult()
    try:
        header, rows = read_table(content, filename)
    except ImportFileError as error:
        result.problems.append(RowProblem(0, "", str(error)))
        return result
    positions, headers, result.problems = map_columns(header)
    if result.problems:
        return result
    records = [
        (number, {f: (row[i].strip() if i < len(row) else "") for f, i in positions.items()})
        for number, row in rows
        if any(cell.strip() for cell in row)
    ]
    if not records:
        result.problems.append(RowProblem(0, "", _("The file has no officer rows.")))
        return result
    checker = RowChecker(records, headers, user)
    result.problems = checker.problems
    if result.problems:
        return result
    with transaction.atomic():
        _save(checker, result)
        # In the import's transaction: no entry without the import, no import without one.
        audit.record(
            user,
            Action.OFFICERS_IMPORTED,
            unit=common_unit(checker.units[values["unit_code"]] for _n, values in records),
            file=filename,
            rows=len(records),
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        )
    return result


class RowChecker:
    """Checks every row against the rules and the database, with a few queries in all."""

    def __init__(self, records, headers, user):
        self.records, self.headers, self.user = records, headers, user
        self.problems = []
        column = {c.field: c for c in COLUMNS}
        self.header_of = lambda f: headers.get(f, str(column[f].label))
        self._load_reference_data()
        for number, values in records:
            self._check(number, values)
        self.problems.sort(key=lambda p: p.row)

    def _load_reference_data(self):
        records = self.records
        codes = {v["unit_code"] for _n, v in records}
        self.units = {
            u.code: u for u in AdministrativeUnit.objects.current().filter(code__in=codes)
        }
        self.scope = (
            None
            if self.user is None or roles.is_administrator(self.user)
            else (roles.hr_scope_of(self.user))
        )
        if self.user is not None and self.scope is None and not roles.is_administrator(self.user):
            self.problems.append(
                RowProblem(0, "", _("Only HR and administrators can import officers."))
            )
        self.positions = {p.code: p for p in JobPosition.objects.all()}
        usernames_ = [v["username"] for _n, v in records]
        User = get_user_model()
        self.users = {}
        self.officers = {}
        self.privileged = set()
        # Optional columns a file leaves out are not cleared on officers it updates.
        self.updatable_fields = {"full_name", "unit", "sort_key", *self.headers}
        for chunk in chunked(usernames_):
            for user in User.objects.filter(username__in=chunk).select_related(
                "officer__unit__parent", "officer__job_position"
            ):
                self.users[user.username] = user
                officer = getattr(user, "officer", None)
                if officer is not None:
                    self.officers[user.username] = officer
            if self.scope is not None:
                self.privileged.update(
                    roles.privileged(User.objects.filter(username__in=chunk)).values_list(
                        "username", flat=True
                    )
                )
        # Accounts a new username would look like (`Quantri` beside `quantri`).
        self.lookalikes = {}
        for chunk in chunked(
            {usernames.canonical(name) for name in usernames_ if name not in self.users}
        ):
            self.lookalikes.update(usernames.holders(chunk))
        self.taken = {}
        for field_name in ("national_id", "procedure_account"):
            values = [v[field_name] for _n, v in records if v.get(field_name)]
            owners = {}
            for chunk in chunked(values):
                owners.update(
                    Officer.objects.filter(**{f"{field_name}__in": chunk}).values_list(
                        field_name, "user__username"
                    )
                )
            self.taken[field_name] = owners
        self.first_row = {"username": {}, "national_id": {}, "procedure_account": {}}
        # Each username's row in this file, to let a CCCD move between two officers in it.
        self.row_of = {}
        for _n, values in records:
            self.row_of.setdefault(values["username"], values)

    def _problem(self, number, field_name, message):
        self.problems.append(RowProblem(number, self.header_of(field_name), message))

    def _check(self, number, values):
        username = values["username"]
        if not username:
            self._problem(number, "username", _("the username is missing."))
        else:
            lookalike = self.lookalikes.get(usernames.canonical(username))
            if username not in self.users and lookalike is not None:
                self._problem(
                    number,
                    "username",
                    usernames.taken_message(username, lookalike, self._may_see(lookalike)),
                )
            elif username not in self.users:  # existing accounts keep their names
                try:
                    usernames.check_characters(username)
                except ValidationError as error:
                    self._problem(number, "username", error.messages[0])
            self._check_unique_in_file(
                number, "username", username, key=usernames.canonical(username)
            )
            officer = self.officers.get(username)
            # An HR officer may update officers of their area only; an existing account that
            # is no officer (e.g. a superuser) is not theirs either: taking it over would let
            # them set its email and reset its password.
            if (
                self.scope is not None
                and username in self.users
                and (officer is None or not self.scope.contains(officer.unit))
            ):
                self._problem(
                    number,
                    "username",
                    _("account “%(value)s” belongs to an officer outside your area.")
                    % {"value": username},
                )
            elif username in self.privileged:
                self._problem(
                    number,
                    "username",
                    _(
                        "account “%(value)s” has a staff role (trainer, reviewer, HR or "
                        "administrator); only an administrator can change it."
                    )
                    % {"value": username},
                )

        name = " ".join(values["full_name"].split())
        if not name:
            self._problem(number, "full_name", _("the full name is missing."))
        elif len(name) > 150:
            self._problem(number, "full_name", _("the full name is longer than 150 characters."))

        code = values["unit_code"]
        unit = self.units.get(code)
        if not code:
            self._problem(number, "unit_code", _("the unit code is missing."))
        elif unit is None:
            self._problem(
                number,
                "unit_code",
                _(
                    "no administrative unit in force has code “%(value)s” (a commune has 5 digits, "
                    "a province 2)."
                )
                % {"value": code}
                + (
                    " " + _("If Excel dropped the leading 0, format the column as Text.")
                    if code.isdigit() and len(code) in (1, 4)
                    else ""
                ),
            )
        elif self.scope is not None and not self.scope.contains(unit):
            self._problem(
                number,
                "unit_code",
                _("%(unit)s is outside your area (%(scope)s).")
                % {"unit": unit, "scope": self.scope},
            )

        position = values.get("job_position", "")
        if position and position not in self.positions:
            self._problem(
                number,
                "job_position",
                _("unknown job position “%(value)s”. Known codes: %(codes)s.")
                % {"value": position, "codes": ", ".join(sorted(self.positions))},
            )

        if len(values.get("title", "")) > 150:
            self._problem(number, "title", _("the title is longer than 150 characters."))

        email = values.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self._problem(
                    number,
                    "email",
                    _("“%(value)s” is not a valid email address.") % {"value": email},
                )

        phone = normalize_phone(values.get("phone", ""))
        values["phone"] = phone
        if phone:
            try:
                phone_validator(phone)
            except ValidationError:
                self._problem(
                    number,
                    "phone",
                    _(
                        "“%(value)s” is not a Vietnamese phone number (0 followed by 9 digits). If "
                        "Excel dropped the leading 0, format the column as Text."
                    )
                    % {"value": phone},
                )

        for field_name in ("national_id", "procedure_account"):
            value = values.get(field_name, "")
            if not value:
                continue
            if field_name == "national_id":
                try:
                    national_id_validator(value)
                except ValidationError:
                    self._problem(
                        number,
                        field_name,
                        _(
                            "“%(value)s” is not a citizen ID: it has exactly 12 digits. If Excel "
                            "dropped the leading 0, format the column as Text."
                        )
                        % {"value": value},
                    )
                    continue
            elif len(value) > 100:
                self._problem(number, field_name, _("longer than 100 characters."))
                continue
            self._check_unique_in_file(number, field_name, value)
            owner = self.taken[field_name].get(value)
            if (
                owner is not None
                and owner != username
                and not self._gives_up(owner, field_name, value)
            ):
                self._problem(
                    number,
                    field_name,
                    _("“%(value)s” already belongs to another officer (account %(owner)s).")
                    % {"value": value, "owner": owner},
                )

    def _may_see(self, account):
        """Whether the importing user may be told this account's name."""
        officer = getattr(account, "officer", None)
        return self.scope is None or (officer is not None and self.scope.contains(officer.unit))

    def _check_unique_in_file(self, number, field_name, value, key=None):
        first = self.first_row[field_name].setdefault(key or value, number)
        if first != number:
            self._problem(
                number,
                field_name,
                _("“%(value)s” is also on row %(row)d.") % {"value": value, "row": first},
            )

    def _gives_up(self, owner, field_name, value):
        """Whether the owner's own row in this file takes the value away from them."""
        row = self.row_of.get(owner)
        return row is not None and row.get(field_name, "") != value


OFFICER_FIELDS = [*Officer.PROFILE_FIELDS, "sort_key"]


@transaction.atomic
def _save(checker, result):
    User = get_user_model()
    new_users = []
    changed_users = []
    for _number, values in checker.records:
        user = checker.users.get(values["username"])
        if user is None:
            user = User(username=values["username"], email=values.get("email", ""))
            user.set_unusable_password()
            new_users.append(user)
            checker.users[user.username] = user
        elif values.get("email", "") and user.email != values["email"]:
            # Bulk updates send no signal: the import writes the audit entry itself.
            record_account_change(user, by=checker.user, email=(user.email, values["email"]))
            user.email = values["email"]
            changed_users.append(user)
    User.objects.bulk_create(new_users, batch_size=500)
    User.objects.bulk_update(changed_users, ["email"], batch_size=500)
    if new_users:
        learner = Group.objects.get(name=roles.LEARNER)
        Membership = User.groups.through
        Membership.objects.bulk_create(
            [Membership(user_id=u.pk, group_id=learner.pk) for u in new_users], batch_size=500
        )

    to_create, to_update = [], []
    for _number, values in checker.records:
        user = checker.users[values["username"]]
        wanted = {
            "full_name": " ".join(values["full_name"].split()),
            "unit": checker.units[values["unit_code"]],
            "job_position": checker.positions.get(values.get("job_position", "")),
            "title": values.get("title", ""),
            "email": values.get("email", ""),
            "phone": values.get("phone", ""),
            "national_id": values.get("national_id", ""),
            "procedure_account": values.get("procedure_account", ""),
        }
        wanted["sort_key"] = sort_key(wanted["full_name"])
        officer = checker.officers.get(user.username)
        if officer is not None:
            # A column left out of the file leaves that field as it is.
            wanted = {f: v for f, v in wanted.items() if f in checker.updatable_fields}
        if officer is None:
            to_create.append(Officer(user=user, **wanted))
        elif any(getattr(officer, f) != v for f, v in wanted.items()):
            for f, v in wanted.items():
                setattr(officer, f, v)
            to_update.append(officer)
        else:
            result.unchanged += 1
    # The events are told from what the rows hold now, locked until the import commits (an
    # edit made since the file was checked is not told twice, or from the wrong unit).
    before = events.stored(to_update)
    # Values moving between two officers in one file (a swapped CCCD) would trip the unique
    # constraints half-way through an update; clear them first, inside the same transaction.
    _clear_moving_values(to_update)
    Officer.objects.bulk_create(to_create, batch_size=500)
    Officer.objects.bulk_update(to_update, OFFICER_FIELDS, batch_size=500)
    events.officers_saved(created=to_create, updated=to_update, before=before)
    result.created, result.updated = len(to_create), len(to_update)


def _clear_moving_values(officers):
    for field_name in ("national_id", "procedure_account"):
        for ids in chunked(o.pk for o in officers):
            Officer.objects.filter(pk__in=ids).exclude(**{field_name: ""}).update(
                **{field_name: ""}
            )
