"""Reading a ledger file: CSV (UTF-8 or GB18030) or XLSX, within fixed limits,
into a header and its non-blank rows; and the cell notations the template
accepts (numbers, dates, text). Files that are not what they claim are refused whole."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ui.exports import FORMULA_TRIGGERS

from .columns import Problem

# Limits on what we agree to read at all. Module constants so that tests can
# exercise them at their real values.
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
# A 10 MB workbook of 100,000 rows unpacks to well under this; more means a
# zip bomb, not a ledger.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024

XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
EXTENSIONS = (".xlsx", ".csv")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S")
_INTEGER = re.compile(r"^[+-]?\d+(\.0*)?$")


class FileRefused(ValidationError):
    """The whole file is refused before any row is read."""

    def __init__(self, message: str, code: str):
        super().__init__(message, code=code)
        self.problem = Problem(0, "", code, message)


# Reading files -------------------------------------------------------------


def refuse_size(content: bytes) -> None:
    if len(content) > MAX_BYTES:
        raise FileRefused(
            _(
                "The file is %(size)s MB; files of more than %(limit)s MB are not accepted. "
                "Split the ledger into smaller files."
            )
            % {"size": f"{len(content) / 1024 / 1024:.1f}", "limit": MAX_BYTES // 1024 // 1024},
            "too_large",
        )


def _extension(file_name: str) -> str:
    name = file_name.lower()
    for ext in EXTENSIONS:
        if name.endswith(ext):
            return ext
    raise FileRefused(_("Upload the ledger as an .xlsx or .csv file."), "extension")


def _xlsx_rows(content: bytes) -> Iterator[tuple[Any, ...]]:
    not_xlsx = FileRefused(
        _("This file is named .xlsx but is not an Excel workbook. Save it from Excel as “Excel Workbook (*.xlsx)”."),
        "not_xlsx",
    )
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise not_xlsx
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise FileRefused(_("This workbook unpacks to an implausible size; it is not accepted."), "zip_bomb")
            types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
            # The content type says what the package is: a macro workbook or
            # a template renamed to .xlsx has a different one.
            kinds = {el.get("ContentType") for el in types.iter(f"{CONTENT_TYPES_NS}Override")}
            if XLSX_MAIN not in kinds:
                raise not_xlsx
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError):
        raise not_xlsx from None

    import openpyxl  # noqa: PLC0415 - a heavy import only workbooks need

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged package
        raise not_xlsx from None
    try:
        sheet = workbook.worksheets[0]
        # Some writers record a wrong sheet size; read what is there instead.
        sheet.reset_dimensions()
        yield from sheet.iter_rows(values_only=True)
    except (ElementTree.ParseError, ValueError, KeyError, TypeError, IndexError, zipfile.BadZipFile):
        # A damaged sheet part surfaces only while reading rows.
        raise not_xlsx from None
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    not_csv = FileRefused(
        _("This file is named .csv but is not a text file. Save it from Excel as “CSV (comma delimited)”."),
        "not_csv",
    )
    if content.startswith(b"PK\x03\x04") or b"\x00" in content:
        raise not_csv
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        # Chinese Excel saves CSV in the ANSI code page (GBK); GB18030 reads it.
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError:
            raise not_csv from None
    yield from csv.reader(io.StringIO(text, newline=""))


def read_rows(file_name: str, content: bytes) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    """The header and the non-blank data rows with their Excel row numbers.

    Raises FileRefused for a file that is too large, not what its name says,
    empty, or longer than MAX_ROWS data rows.
    """
    refuse_size(content)
    ext = _extension(file_name)
    source = _xlsx_rows(content) if ext == ".xlsx" else _csv_rows(content)
    header: list[Any] | None = None
    rows: list[tuple[int, list[Any]]] = []
    try:
        for number, values in enumerate(source, start=1):
            values = list(values)
            if number == 1:
                header = values
                continue
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            rows.append((number, values))
            if len(rows) > MAX_ROWS:
                raise FileRefused(
                    _("The file has more than %(limit)s data rows. Split the ledger into smaller files.")
                    % {"limit": f"{MAX_ROWS:,}"},
                    "too_many_rows",
                )
    except csv.Error as exc:
        raise FileRefused(_("This CSV file cannot be read: %(error)s") % {"error": exc}, "not_csv") from None
    if header is None or not any(h not in (None, "") for h in header):
        raise FileRefused(_("The file is empty: the first row must hold the template's column names."), "empty")
    return header, rows


# Cell values ---------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as trimmed text (whole numbers without .0, dates without a time)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    text = str(value).strip()
    # Undo our own export's formula guard: "'=..." was written as "=...".
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_TRIGGERS):
        text = text[1:]
    return text


def cell_integer(value: Any) -> int | None:
    """An integer or None if the cell holds something else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = cell_text(value)
    if not _INTEGER.match(text):
        return None
    return int(text.split(".")[0])


def cell_date(value: Any) -> dt.date | None:
    """A date from a date cell or from text in one of DATE_FORMATS; None otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date; only .date() is kept)
        except ValueError:
            continue
    return None
