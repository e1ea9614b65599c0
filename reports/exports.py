"""Spreadsheet exports of reports: XLSX with a title block, CSV that Excel opens correctly.

Both take the same table: `headers` (translated column names) and `rows` (lists of plain
values: str, int, float, Decimal, date/datetime, None). Text that looks like a formula is kept
as text, so an officer's name can never run as a formula in HR's Excel.
"""

import csv
import io
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell_value(value):
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(tzinfo=None)
    return _safe_text(value)


def xlsx_bytes(title_lines, headers, rows, sheet_title="Report"):
    """A workbook: the title block (bold first line), a blank row, then the table."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    for number, line in enumerate(title_lines, start=1):
        cell = sheet.cell(row=number, column=1, value=_safe_text(str(line)))
        cell.font = Font(bold=number == 1, size=14 if number == 1 else 11)
    header_row = len(title_lines) + 2
    fill = PatternFill("solid", fgColor="DDE4EE")
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=header_row, column=column, value=str(header))
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(str(header)) for header in headers]
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=header_row + offset, column=column, value=_cell_value(value))
            if isinstance(value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
            elif isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"
            elif isinstance(value, float):
                cell.number_format = "0.0"
            widths[column - 1] = max(widths[column - 1], min(len(str(value or "")), 60))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(8, width + 2)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers, rows):
    """UTF-8 with a byte-order mark, so Excel shows Vietnamese letters correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(header) for header in headers])
    for row in rows:
        writer.writerow(["" if value is None else _safe_text(_csv_value(value)) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_value(value):
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value


def download(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename, title_lines, headers, rows, sheet_title="Report"):
    return download(xlsx_bytes(title_lines, headers, rows, sheet_title), filename, XLSX_TYPE)


def csv_response(filename, headers, rows):
    return download(csv_bytes(headers, rows), filename, "text/csv; charset=utf-8")
