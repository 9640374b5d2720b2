"""What a file may be: 100,000 rows fit both limits, and what is larger, wider,
empty or a zip bomb is refused whole, with a clear message, before it costs time."""

import csv
import io
import zipfile

import pytest
from django.utils import translation

from coverage.ledgers.imports import parsing
from coverage.ledgers.imports.columns import HEADERS
from coverage.ledgers.imports.parsing import FileRefused
from coverage.ledgers.imports.xlsx import Workbook
from coverage.models import LedgerImport, LedgerImportProblem, LedgerImportRow
from coverage.tests.ledgers.files import csv_bytes, preview, realistic_rows, row, xlsx_bytes, xlsx_bytes_fast

pytestmark = pytest.mark.django_db

XI_AN = [("碑林区", "610103"), ("雁塔区", "610113"), ("未央区", "610112"), ("西安高新区", "610131")]
UNITS = ["西安市民政局", "西安市文化和旅游局", "西安市人力资源和社会保障局"]


def _refused(user, content, name):
    record, result = preview(user, content, name=name)
    assert record.status == LedgerImport.Status.REJECTED and record.row_count == 0
    # Nothing of the file is kept but the one reason.
    assert not LedgerImportRow.objects.filter(ledger_import=record).exists()
    assert LedgerImportProblem.objects.filter(ledger_import=record).count() == 1
    return result.refused


def test_100000_realistic_rows_fit_the_size_limits():
    """Measured on 2,000 rows of realistic Chinese names (bench/imports.py
    measures the real 100,000: 17 MB as CSV, 9 MB as XLSX), with room to spare."""
    rows = realistic_rows(2000, areas=XI_AN, units=UNITS)
    per_row_csv = len(csv_bytes(rows)) / len(rows)
    workbook = xlsx_bytes_fast(rows)
    per_row_xlsx = len(workbook) / len(rows)
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        per_row_unpacked = sum(i.file_size for i in archive.infolist()) / len(rows)
        ratio = max(i.file_size / i.compress_size for i in archive.infolist() if i.file_size > 100_000)
    rows_allowed = parsing.MAX_ROWS
    assert rows_allowed * per_row_csv < 0.8 * parsing.MAX_BYTES
    assert rows_allowed * per_row_xlsx < 0.5 * parsing.MAX_BYTES
    assert rows_allowed * per_row_unpacked < 0.5 * parsing.MAX_UNPACKED_BYTES
    assert ratio < parsing.MAX_RATIO / 5


def test_a_file_with_a_header_and_no_data_rows_is_refused(beilin_user):
    for content, name in ((csv_bytes([]), "l.csv"), (csv_bytes([[""] * 13, [" "] * 13]), "l.csv")):
        assert _refused(beilin_user, content, name).code == "no_rows"
    refused = _refused(beilin_user, xlsx_bytes([]), "l.xlsx")
    assert refused.code == "no_rows"
    with translation.override("zh-hans"):
        assert refused.message == "文件中没有数据行。"


def test_more_than_100000_rows_are_refused_with_the_limit_in_the_message(beilin_user):
    content = csv_bytes([row()] * (parsing.MAX_ROWS + 1))
    refused = _refused(beilin_user, content, "l.csv")
    assert refused.code == "too_many_rows"
    with translation.override("zh-hans"):
        assert "100,000" in refused.message


def test_a_zip_bomb_is_refused_from_its_declared_sizes_before_anything_is_unpacked(beilin_user):
    # 300 MB of zeros in a sheet part: a file of about 300 KB.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            zeros = b"\0" * (1024 * 1024)
            for _megabyte in range(300):
                sheet.write(zeros)
    content = buffer.getvalue()
    assert len(content) < 1024 * 1024
    # Opening the package (which reads only its directory) refuses it.
    with pytest.raises(Exception) as excinfo:
        Workbook(content, max_unpacked=parsing.MAX_UNPACKED_BYTES, max_ratio=parsing.MAX_RATIO)
    assert excinfo.value.code == "zip_bomb"
    refused = _refused(beilin_user, content, "l.xlsx")
    assert refused.code == "zip_bomb"


def test_a_workbook_over_the_unpacked_limit_is_refused_whatever_its_ratio(beilin_user, monkeypatch):
    monkeypatch.setattr(parsing, "MAX_UNPACKED_BYTES", 50_000)
    rows = realistic_rows(300, areas=XI_AN)
    assert _refused(beilin_user, xlsx_bytes_fast(rows), "l.xlsx").code == "zip_bomb"


def _wide_sheet(columns: int, rows: int) -> bytes:
    """A workbook whose every row has `columns` values (numbers that do not
    repeat, so that it is no zip bomb): slow to read whole."""
    sheet = "".join(
        f'<row r="{n}">' + "".join(f"<c><v>{n * columns + i}</v></c>" for i in range(columns)) + "</row>"
        for n in range(1, rows + 1)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/></Types>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="r1"/>'
            "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            'Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{sheet}</sheetData></worksheet>",
        )
    return buffer.getvalue()


def test_thousands_of_columns_are_refused_at_the_first_wide_row(beilin_user):
    # 5,000 columns × 400 rows: two million cells in a file under the size limit.
    content = _wide_sheet(5000, 400)
    assert len(content) < parsing.MAX_BYTES
    refused = _refused(beilin_user, content, "wide.xlsx")
    assert refused.code == "too_many_columns"
    # Refused at the header row: the 1,995,000 cells below it were never read.
    assert (refused.params["row"], refused.params["column"]) == (1, parsing.MAX_COLUMNS + 1)
    with translation.override("zh-hans"):
        assert refused.message.startswith(f"第 1 行第 {parsing.MAX_COLUMNS + 1} 列有内容")


def test_a_csv_row_with_thousands_of_columns_is_refused_at_that_row(beilin_user):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerow(row())
    writer.writerow([*row(), *[""] * 40, *["x"] * 5000])
    refused = _refused(beilin_user, buffer.getvalue().encode(), "l.csv")
    assert (refused.code, refused.params["row"], refused.params["column"]) == ("too_many_columns", 3, len(HEADERS) + 41)


def test_columns_beyond_the_template_that_are_empty_are_no_problem(beilin_user):
    content = csv_bytes([[*row(), "", ""]], header=[*HEADERS, "", ""])
    _record, result = preview(beilin_user, content)
    assert result.ok, result.all_problems


def test_the_form_refuses_a_file_over_the_size_limit_before_reading_it():
    with pytest.raises(FileRefused) as excinfo:
        parsing.refuse_size(b"x" * (parsing.MAX_BYTES + 1))
    with translation.override("zh-hans"):
        assert "25" in excinfo.value.problem.message
