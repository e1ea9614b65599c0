"""An officer file is read one row at a time and refused at its limits (officers/importing.py):
a small .xlsx that unpacks into 1.2 million rows once held a worker two minutes and 1 GB
before failing. Now it is refused with a message saying the limit, having read only the rows
up to it, in bounded memory; an .xlsx whose parts would unpack into too much is refused before
anything is unpacked."""

import io
import tracemalloc
import zipfile

import pytest

from officers.importing import TEMPLATE_HEADERS, import_officers
from officers.models import Officer

pytestmark = pytest.mark.django_db

BOMB_ROWS = 1_200_000

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Cán bộ" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="worksheets/sheet1.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>
</Relationships>"""


def xlsx_bomb(rows=BOMB_ROWS):
    """A small .xlsx whose sheet unpacks into `rows` rows, written as Excel would store them,
    declaring the whole sheet's size (openpyxl pads every row to it). After the last row the
    sheet's XML is broken: a reader that got that far would call the file damaged."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1">'
            )
            sheet.write(
                "".join(
                    f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{header}</t></is></c>'
                    for i, header in enumerate(TEMPLATE_HEADERS)
                ).encode()
                + b"</row>"
            )
            for start in range(2, rows + 2, 10_000):
                sheet.write(
                    "".join(
                        f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>'
                        for n in range(start, min(start + 10_000, rows + 2))
                    ).encode()
                )
            sheet.write(b"<row r=")  # broken on purpose: nobody should read this far
    return buffer.getvalue()


def test_a_small_xlsx_with_a_million_rows_is_refused_at_the_row_limit_in_bounded_memory(
    settings,
):
    bomb = xlsx_bomb()
    assert len(bomb) < settings.OFFICER_IMPORT_MAX_BYTES  # the upload's size limit lets it in

    tracemalloc.start()
    try:
        result = import_officers(bomb, "can-bo.xlsx")
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    [problem] = [str(problem) for problem in result.problems]
    # The limit, not "damaged": the reader stopped long before the broken end of the sheet.
    assert problem == (
        "Tệp có hơn 20000 dòng cán bộ, quá số dòng tối đa của một lần nhập. "
        "Hãy chia thành nhiều tệp."
    )
    assert peak < 64 * 1024 * 1024, f"peak {peak / 1024**2:.0f} MB"
    assert not Officer.objects.exists()


def test_an_xlsx_that_would_unpack_beyond_the_limit_is_refused_before_it_is_opened(settings):
    settings.OFFICER_IMPORT_MAX_UNZIPPED_BYTES = 10 * 1024 * 1024

    result = import_officers(xlsx_bomb(300_000), "can-bo.xlsx")

    [problem] = [str(problem) for problem in result.problems]
    assert problem.startswith("Tệp Excel khi giải nén có dung lượng")
    assert "vượt quá giới hạn 10 MB" in problem


def test_an_xlsx_with_a_part_packed_abnormally_well_is_refused():
    buffer = io.BytesIO(xlsx_bomb(10))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/image1.png", b"\0" * (20 * 1024 * 1024))

    result = import_officers(buffer.getvalue(), "can-bo.xlsx")

    [problem] = [str(problem) for problem in result.problems]
    assert "“xl/media/image1.png”" in problem and "100 lần" in problem


def csv_with(rows):
    header = ",".join(TEMPLATE_HEADERS)
    return ("\n".join([header, *rows]) + "\n").encode()


def test_a_csv_with_more_rows_than_the_limit_is_refused_saying_the_limit(settings):
    settings.OFFICER_IMPORT_MAX_ROWS = 3
    rows = [f"canbo{n},Lò Văn Pánh,03172,,,,,," for n in range(4)]

    result = import_officers(csv_with(rows), "can-bo.csv")

    [problem] = [str(problem) for problem in result.problems]
    assert problem.startswith("Tệp có hơn 3 dòng cán bộ")


def test_a_csv_row_with_a_value_beyond_the_column_limit_is_refused(settings):
    settings.OFFICER_IMPORT_MAX_COLUMNS = 12
    rows = ["canbo1,Lò Văn Pánh,03172,,,,,,", "canbo2,Quàng Thị Ơn,03172,,,,,,,,,,,x"]

    result = import_officers(csv_with(rows), "can-bo.csv")

    [problem] = [str(problem) for problem in result.problems]
    assert problem.startswith("Dòng 3 có giá trị nằm sau cột 12")
