"""Reading files: encodings, native cell types, and whole files refused (coverage.ledgers.imports.parsing)."""

import datetime as dt
import io
import zipfile

import pytest

from coverage.ledgers.imports import columns, parsing
from coverage.ledgers.imports import services as imports
from coverage.ledgers.imports.columns import COLUMNS, HEADERS
from coverage.ledgers.imports.parsing import FileRefused
from coverage.models import LedgerImport
from coverage.tests.ledgers.files import csv_bytes, preview, row, xlsx_bytes
from organizations.models import SocialOrganization

pytestmark = pytest.mark.django_db


def test_xlsx_with_native_cell_types(beilin_user, beilin):
    # A spreadsheet's date cell arrives as a naive datetime.
    values = row(registered_on=dt.datetime(2019, 4, 1), staff_count=12, formal_party_members=4.0)  # noqa: DTZ001
    values[COLUMNS.index(columns.COLUMN_OF_FIELD["setup_contact_phone"])] = 13912345678
    record, result = preview(beilin_user, xlsx_bytes([values]), name="台账.XLSX")
    assert result.ok, result.all_problems
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    org = SocialOrganization.objects.get(credit_code=values[0])
    assert (org.registered_on, org.staff_count, org.formal_party_members, org.setup_contact_phone) == (
        dt.date(2019, 4, 1),
        12,
        4,
        "13912345678",
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(beilin_user, encoding):
    record, result = preview(beilin_user, csv_bytes([row(name="碑林区书法家协会")], encoding=encoding))
    assert result.ok, result.all_problems
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert SocialOrganization.objects.filter(name="碑林区书法家协会").exists()


def test_columns_may_come_in_any_order(beilin_user):
    header = list(reversed(HEADERS))
    content = csv_bytes([list(reversed(row()))], header=header)
    _record, result = preview(beilin_user, content)
    assert result.ok, result.all_problems


def test_a_neutralised_cell_comes_back_as_written(beilin_user):
    record, _result = preview(beilin_user, csv_bytes([row(name="'=1+1 协会")]))
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert SocialOrganization.objects.filter(name="=1+1 协会").exists()


# Refused files ------------------------------------------------------------------


def _refused(user, content, name):
    record, result = preview(user, content, name=name)
    assert record.status == LedgerImport.Status.REJECTED
    return result.refused.code


def test_a_renamed_binary_is_not_a_workbook(beilin_user):
    assert _refused(beilin_user, bytes(range(256)) * 40, "ledger.xlsx") == "not_xlsx"


def test_a_csv_named_xlsx_is_refused(beilin_user):
    assert _refused(beilin_user, csv_bytes([row()]), "ledger.xlsx") == "not_xlsx"


def test_a_zip_that_is_not_a_workbook_is_refused(beilin_user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert _refused(beilin_user, buffer.getvalue(), "ledger.xlsx") == "not_xlsx"


def test_a_workbook_named_csv_is_refused(beilin_user):
    assert _refused(beilin_user, xlsx_bytes([row()]), "ledger.csv") == "not_csv"


def test_undecodable_text_is_refused(beilin_user):
    assert _refused(beilin_user, b"\xff\xfe\xfd\x80\x81" * 100, "ledger.csv") == "not_csv"


def test_an_empty_file_is_refused(beilin_user):
    assert _refused(beilin_user, b"", "ledger.csv") == "empty"


def test_a_file_that_unpacks_too_large_is_refused(beilin_user, monkeypatch):
    monkeypatch.setattr(parsing, "MAX_UNPACKED_BYTES", 1000)
    assert _refused(beilin_user, xlsx_bytes([row()]), "ledger.xlsx") == "zip_bomb"


def test_other_extensions_are_refused(beilin_user):
    assert _refused(beilin_user, csv_bytes([row()]), "ledger.xls") == "extension"


def test_a_file_over_10_mb_is_refused_and_not_stored(beilin_user):
    content = csv_bytes([row()]) + b"x" * (parsing.MAX_BYTES)
    assert len(content) > 10 * 1024 * 1024
    with pytest.raises(FileRefused) as excinfo:
        preview(beilin_user, content)
    assert excinfo.value.problem.code == "too_large"
    assert not LedgerImport.objects.exists()


def test_more_than_100000_rows_are_refused(beilin_user):
    assert parsing.MAX_ROWS == 100_000
    content = "\n".join(["统一社会信用代码", *["x"] * 100_001]).encode()
    assert _refused(beilin_user, content, "ledger.csv") == "too_many_rows"


def test_the_row_limit_counts_data_rows_not_the_header(beilin_user, monkeypatch):
    monkeypatch.setattr(parsing, "MAX_ROWS", 2)
    _record, result = preview(beilin_user, csv_bytes([row(), row()]))
    assert result.ok
    _record, result = preview(beilin_user, xlsx_bytes([row(), row(), row()]), name="l.xlsx")
    assert result.refused.code == "too_many_rows"
