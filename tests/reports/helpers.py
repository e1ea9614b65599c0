"""Reading a report back: the tables on screen, the XLSX and the CSV downloads."""

import csv
import io
from html.parser import HTMLParser

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext

BOM = b"\xef\xbb\xbf"


class _Tables(HTMLParser):
    """The cells of the report tables (<section id="report-KEY">), as text."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and (attrs.get("id") or "").startswith("report-"):
            self.current = self.tables.setdefault(attrs["id"][len("report-") :], [])
        elif tag == "tr" and self.current is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.current.append(self.row)
            self.row = None
        elif tag == "section":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def screen_tables(response):
    """{table key: [header row, *rows]} as the page shows them."""
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def as_plain(text):
    """A screen cell (English number format) as the value the downloads hold: "1,234.5" ->
    1234.5, "—" -> ""; other text as it is."""
    if text == "—":
        return ""
    return _number(text.replace(",", ""), text)


def _number(candidate, otherwise):
    try:
        return float(candidate)
    except ValueError:
        return otherwise


def csv_rows(response):
    assert response.content.startswith(BOM)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_sheet(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def xlsx_table(sheet, title_lines=5):
    """The table under the title block and the blank row, as lists of values."""
    return [list(row) for row in sheet.iter_rows(min_row=title_lines + 2, values_only=True)]


def as_value(value):
    """A CSV or XLSX cell compared with as_plain(): numbers as floats, empty as ""."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return float(value)
    return _number(value, value)


def count_queries(function, *args, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        function(*args, **kwargs)
    return len(queries.captured_queries), [query["sql"] for query in queries.captured_queries]
