"""Reading a report back: the tables on screen, the XLSX and the CSV downloads."""

import csv
import io
import re
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


# A download's heading for a duration column: the screen's, with the unit the numbers are in.
MINUTES = " (minutes)"


def minutes_of(text):
    """A duration as the screen says it ("2 hours 5 minutes", "45 minutes", "under a minute",
    "—") as the download holds it: whole minutes as a float, "" for "—"."""
    if text == "—":
        return ""
    if text == "under a minute":
        return 0.0
    parts = re.fullmatch(r"(?:([\d,]+) hours?)? ?(?:(\d+) minutes?)?", text)
    assert parts and text, f"not a duration: {text!r}"
    hours, minutes = parts.groups()
    return float(int((hours or "0").replace(",", "")) * 60 + int(minutes or 0))


def as_downloaded(screen, headings):
    """The screen's table (header row first) as the downloads, headed `headings`, must hold it:
    every cell as_plain(), and in a column whose download heading is the screen's plus
    MINUTES, the duration in minutes."""
    durations = {
        index
        for index, (shown, heading) in enumerate(zip(screen[0], headings, strict=True))
        if heading == shown + MINUTES
    }
    rows = [
        [
            shown + MINUTES if index in durations else as_plain(shown)
            for index, shown in enumerate(screen[0])
        ]
    ]
    for row in screen[1:]:
        rows.append(
            [
                minutes_of(cell) if index in durations else as_plain(cell)
                for index, cell in enumerate(row)
            ]
        )
    return rows


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
