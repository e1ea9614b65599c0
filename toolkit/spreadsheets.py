"""The one spreadsheet writer: every CSV and XLSX the platform sends is written here.

Reports, the audit log, item analysis, the officer import template and Wagtail's own listing
exports (the officer list, site history and every other `SpreadsheetExportMixin` view, through
`install_wagtail_writer`) all give it a table: translated `headers` and `rows` of plain values
(str, int, float, Decimal, bool, date/datetime, None). It writes:

- CSV in UTF-8 with a byte-order mark, so Excel shows "Họ và tên" and not mojibake;
- XLSX with the title block (title, area, date generated: the lines the caller gives), a blank
  row, the bold header row, then the table;
- in both, text that a spreadsheet would run as a formula (OWASP "CSV injection": a cell
  starting with = + - @ tab or carriage return, also after leading spaces) with a leading
  apostrophe, so an officer's name or a learner's answer such as `=HYPERLINK(...)` stays text.
  Numbers stay numbers, negative ones included: only text is guarded.

This module sits below the apps (it imports none of them), so reports, officers, assessments
and audit can all use it.
"""

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
# The characters that make Excel, LibreOffice or Google Sheets read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A number written as text ("-5", "+84912345678") is no formula: it stays as it is.
NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
HIGHLIGHT_FILL = PatternFill("solid", fgColor="F4CCCC")


def guard(value):
    """Text that a spreadsheet would run as a formula, with a leading apostrophe; anything
    else unchanged."""
    if not isinstance(value, str) or NUMBER.fullmatch(value.strip()):
        return value
    if value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _text(value):
    return str(value) if isinstance(value, Promise) else value


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


# --- CSV ------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def csv_cell(value):
    value = _local(_text(value))
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return guard(value)


def csv_lines(headers, rows):
    """The file as text, line by line: the BOM and the header row first."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield BOM + writer.writerow([csv_cell(header) for header in headers])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def csv_bytes(headers, rows):
    return "".join(csv_lines(headers, rows)).encode("utf-8")


def csv_response(filename, headers, rows, stream=False, batch=200):
    """The CSV as a download; with `stream`, written as the client reads it (rows may then be
    a generator over a large queryset)."""
    if not stream:
        return download(csv_bytes(headers, rows), filename, CSV_TYPE)
    language = translation.get_language()

    def chunks():
        # The response is read after the view returns: keep the request's language.
        with translation.override(language):
            buffer = []
            for line in csv_lines(headers, rows):
                buffer.append(line)
                if len(buffer) >= batch:
                    yield "".join(buffer).encode("utf-8")
                    buffer = []
            if buffer:
                yield "".join(buffer).encode("utf-8")

    response = StreamingHttpResponse(chunks(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- XLSX -----------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One worksheet: its table, cells to highlight (values shown bold on red, such as
    "Missing"), column widths (worked out from the rows when they are a list) and the number
    format of fractional numbers."""

    title: str
    headers: Sequence
    rows: Iterable
    highlight: Iterable = ()
    widths: Sequence | None = None
    float_format: str = "0.0"


def sheet_title(text):
    """Excel refuses some characters in sheet names, and more than 31 of them."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(text))[:31]


def _clean(value):
    value = _text(value)
    if isinstance(value, str):
        return guard(ILLEGAL_CHARACTERS_RE.sub("", value))
    return _local(value)


def _cell(sheet, value, spec, highlight):
    cell = WriteOnlyCell(sheet, value=_clean(value))
    if cell.data_type == "f":  # guarded text never is; this is a last line of defence
        cell.data_type = "s"
    if isinstance(value, datetime):
        cell.number_format = "dd/mm/yyyy hh:mm"
    elif isinstance(value, date):
        cell.number_format = "dd/mm/yyyy"
    elif isinstance(value, float):
        cell.number_format = spec.float_format
    elif isinstance(value, str) and value and value in highlight:
        cell.fill = HIGHLIGHT_FILL
        cell.font = Font(bold=True)
    return cell


def _widths(spec):
    if spec.widths is not None:
        return spec.widths
    if not isinstance(spec.rows, list | tuple):
        return []
    widths = [len(str(header)) for header in spec.headers]
    for row in spec.rows:
        for column, value in enumerate(row[: len(widths)]):
            widths[column] = max(widths[column], min(len(str(value or "")), 60))
    return [max(8, width + 2) for width in widths]


def write_xlsx(output, title_lines, sheets):
    """Write the workbook to `output` in write-only mode (rows are written as they come, so a
    large table is never held in memory). Each sheet starts with the title block, a blank row,
    then the table; without title lines, the header row comes first."""
    workbook = Workbook(write_only=True)
    title_lines = [str(line) for line in title_lines]
    for spec in sheets:
        sheet = workbook.create_sheet(title=sheet_title(spec.title))
        for column, width in enumerate(_widths(spec), start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        header_row = len(title_lines) + 2 if title_lines else 1
        sheet.freeze_panes = f"A{header_row + 1}"
        for number, line in enumerate(title_lines, start=1):
            cell = WriteOnlyCell(sheet, value=_clean(line))
            cell.font = Font(bold=number == 1, size=14 if number == 1 else 11)
            sheet.append([cell])
        if title_lines:
            sheet.append([])
        header_cells = []
        for header in spec.headers:
            cell = WriteOnlyCell(sheet, value=_clean(str(header)))
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            header_cells.append(cell)
        sheet.append(header_cells)
        highlight = set(spec.highlight)
        for row in spec.rows:
            sheet.append([_cell(sheet, value, spec, highlight) for value in row])
    workbook.save(output)


def xlsx_bytes(title_lines, sheets):
    buffer = io.BytesIO()
    write_xlsx(buffer, title_lines, sheets)
    return buffer.getvalue()


def xlsx_response(filename, title_lines, sheets, stream=False):
    """The workbook as a download; with `stream`, written to a temporary file first and sent
    from there (for tables too large to hold in memory)."""
    if not stream:
        return download(xlsx_bytes(title_lines, sheets), filename, XLSX_TYPE)
    output = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it when sent
    write_xlsx(output, title_lines, sheets)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def download(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def generated_line():
    return _("Generated at: %(moment)s") % {
        "moment": timezone.localtime().strftime("%d/%m/%Y %H:%M")
    }


def area_line(user):
    """ "Scope: Xã Na Sang (03172)": the area whose data the file holds, as
    settings.SPREADSHEET_AREA_LABEL (a function of the user, in the apps above) names it."""
    label = import_string(settings.SPREADSHEET_AREA_LABEL)(user)
    return _("Scope: %(unit)s") % {"unit": label}


# --- Wagtail's own exports -------------------------------------------------------------------


def _wagtail_rows(view, queryset, export_format):
    for item in queryset:
        yield [
            # Dates are written by this module (local time, Vietnamese order), not Wagtail.
            value
            if isinstance(value, date)
            else view.preprocess_field_value(name, value, export_format)
            for name, value in view.to_row_dict(item).items()
        ]


def _wagtail_title(view):
    if hasattr(view, "get_page_title"):
        title = view.get_page_title()
    else:
        title = getattr(view, "page_title", "") or getattr(view, "title", "")
    return str(title or view.get_filename())


def wagtail_write_csv_response(view, queryset):
    headers = [view.get_heading(queryset, name) for name in view.list_export]
    rows = _wagtail_rows(view, queryset, view.FORMAT_CSV)
    return csv_response(f"{view.get_filename()}.csv", headers, rows, stream=True)


def wagtail_write_xlsx_response(view, queryset):
    title = _wagtail_title(view)
    headers = [view.get_heading(queryset, name) for name in view.list_export]
    rows = _wagtail_rows(view, queryset, view.FORMAT_XLSX)
    title_lines = [title, area_line(view.request.user), generated_line()]
    return xlsx_response(
        f"{view.get_filename()}.xlsx", title_lines, [Sheet(title, headers, rows)], stream=True
    )


def install_wagtail_writer():
    """Make Wagtail's SpreadsheetExportMixin (model listings such as the officer list, site
    history, page and workflow reports) write through this module: its own writer has no BOM,
    no title block, and guards only what openpyxl takes for a formula, in XLSX only."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    SpreadsheetExportMixin.write_csv_response = wagtail_write_csv_response
    SpreadsheetExportMixin.write_xlsx_response = wagtail_write_xlsx_response
