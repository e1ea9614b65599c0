"""Benchmark of the bulk officer import: 10,000 officers spread over Điện Biên's 45 communes.

Run from the repository root:

    .venv/bin/python benchmarks/officer_import.py            # 10,000 rows
    .venv/bin/python benchmarks/officer_import.py --rows 2000 --bomb-rows 50000

The real database is never touched (see throwaway.py).

It prints the figures (rows, seconds, rows per second, database queries) and asserts nothing
about time: it is a benchmark, not a test. Last, an .xlsx "bomb" (a few MB unpacking into
--bomb-rows rows, 1.2 million by default, as an outside audit sent): the seconds and the peak
memory (Python allocations, tracemalloc) until it is refused at OFFICER_IMPORT_MAX_ROWS.
"""

import argparse
import csv
import io
import random
import sys
import time
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from throwaway import choose_database, throwaway_database  # noqa: E402

choose_database("officer-import-bench")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from demo.sample_names import random_name  # noqa: E402
from officers.importing import TEMPLATE_HEADERS, import_officers  # noqa: E402
from officers.models import Officer  # noqa: E402
from units.loader import load_bundled_dien_bien  # noqa: E402
from units.models import AdministrativeUnit  # noqa: E402

POSITIONS = [
    ("mot-cua", "Chuyên viên Trung tâm Phục vụ hành chính công"),
    ("van-thu", "Văn thư"),
    ("van-phong", "Chuyên viên Văn phòng HĐND và UBND"),
    ("tu-phap-ho-tich", "Công chức Tư pháp – hộ tịch"),
    ("tai-chinh-ke-toan", "Kế toán"),
    ("kinh-te", "Chuyên viên Phòng Kinh tế"),
    ("van-hoa-xa-hoi", "Chuyên viên Phòng Văn hóa – Xã hội"),
    ("chuyen-doi-so", "Phụ trách chuyển đổi số"),
    ("", ""),
]


def ascii_fold(text):
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in text if c.isascii() and (c.isalnum() or c == " "))


def generate_rows(count, communes, seed=2026):
    """Data rows in the template's column order, deterministic for a given seed."""
    rnd = random.Random(seed)
    rows = []
    for n in range(1, count + 1):
        woman = rnd.random() < 0.45
        name = random_name(rnd, woman, mountain=True)
        code = communes[n % len(communes)]
        username = f"{'.'.join(ascii_fold(name).split())}.{n:05d}"
        position, title = rnd.choice(POSITIONS)
        born = rnd.randint(1965, 2003)
        # CCCD: place of birth 011 (Điện Biên), sex and century, year, then a serial number.
        national_id = (
            f"011{(1 if woman else 0) + (2 if born >= 2000 else 0)}{born % 100:02d}{n:06d}"
        )
        rows.append(
            [
                username,
                name,
                code,
                position,
                title,
                f"{username}@{code}.dienbien.gov.vn" if rnd.random() < 0.8 else "",
                f"0{rnd.choice('389')}{rnd.randint(0, 99_999_999):08d}"
                if rnd.random() < 0.9
                else "",
                national_id if rnd.random() < 0.95 else "",
                f"{code}.{username}",
            ]
        )
    return rows


def csv_bytes(rows):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADERS)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Cán bộ")
    sheet.append(TEMPLATE_HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bomb(rows):
    """An .xlsx with the template's header and `rows` one-cell rows, declaring the whole sheet's
    size: small packed, tens of MB unpacked."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in source.infolist():
            if part.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(part, source.read(part))
                continue
            header = source.read(part).decode()
            start, end = header.index("<sheetData>"), header.index("</sheetData>")
            with archive.open(part.filename, "w") as sheet:
                sheet.write(header[:start].encode())
                sheet.write(b'<dimension ref="A1:XFD1048576"/>')
                sheet.write(header[start:end].encode())
                for first in range(2, rows + 2, 10_000):
                    sheet.write(
                        "".join(
                            f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>'
                            for n in range(first, min(first + 10_000, rows + 2))
                        ).encode()
                    )
                sheet.write(header[end:].encode())
    return buffer.getvalue()


def bomb(rows):
    content = xlsx_bomb(rows)
    tracemalloc.start()
    start = time.perf_counter()
    result = import_officers(content, "bom.xlsx")
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    outcome = str(result.problems[0]) if result.problems else "accepted"
    return (
        f"XLSX bomb: {rows:,} rows in {len(content) / 1_048_576:.1f} MB; "
        f"{seconds:.2f} s, peak memory {peak / 1_048_576:.1f} MB; {outcome}"
    )


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(label, rows, content, filename, results):
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        start = time.perf_counter()
        result = import_officers(content, filename)
        seconds = time.perf_counter() - start
    if result.ok:
        outcome = f"created={result.created} updated={result.updated} unchanged={result.unchanged}"
    else:
        outcome = f"refused: {len(result.problems)} problem(s); first: {result.problems[0]}"
    results.append((label, rows, seconds, queries.count, outcome))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--bomb-rows", type=int, default=1_200_000)
    args = parser.parse_args()

    with throwaway_database() as where:
        print(f"Database: {where}")
        load_bundled_dien_bien()
        communes = list(
            AdministrativeUnit.objects.current()
            .communes()
            .filter(parent__code="11")
            .order_by("code")
            .values_list("code", flat=True)
        )
        rows = generate_rows(args.rows, communes)
        content = csv_bytes(rows)
        workbook = xlsx_bytes(rows)
        print(
            f"File: {len(rows):,} officers over {len(communes)} communes of Điện Biên; "
            f"CSV {len(content) / 1_048_576:.1f} MB, XLSX {len(workbook) / 1_048_576:.1f} MB"
        )

        results = []
        timed("first import, CSV (all new)", len(rows), content, "can-bo.csv", results)
        timed("re-import, CSV (all unchanged)", len(rows), content, "can-bo.csv", results)
        timed("re-import, XLSX (all unchanged)", len(rows), workbook, "can-bo.xlsx", results)
        changed = [list(row) for row in rows]
        for row in changed[::10]:
            row[4] = "Phó Giám đốc Trung tâm"
        timed(
            "re-import, CSV (every 10th changed)", len(rows), csv_bytes(changed), "x.csv", results
        )
        if len(rows) >= 7_499:
            bad = [list(row) for row in rows]
            bad[7_498][7] = "01109000123"  # row 7,500 of the file: an 11-digit CCCD
            timed("bad row 7,500, CSV (refused)", len(rows), csv_bytes(bad), "x.csv", results)
        officers = Officer.objects.count()
        bombed = bomb(args.bomb_rows)
    print()
    print(f"{'scenario':<38} {'rows':>7} {'seconds':>8} {'rows/s':>8} {'queries':>8}  result")
    for label, count, seconds, queries, outcome in results:
        rate = count / seconds if seconds else float("inf")
        print(f"{label:<38} {count:>7} {seconds:>8.2f} {rate:>8.0f} {queries:>8}  {outcome}")
    print(f"\nOfficers in the database at the end: {officers:,}")
    print(bombed)


if __name__ == "__main__":
    main()
