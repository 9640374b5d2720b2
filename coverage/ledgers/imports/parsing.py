"""Reading a ledger file: CSV (UTF-8 or GB18030) or XLSX, within fixed limits,
into a header and its non-blank rows; and the cell notations the template
accepts (numbers, dates, text). Files that are not what they claim are refused whole."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from ui.exports import FORMULA_TRIGGERS

from .columns import COLUMNS
from .problems import Problem
from .xlsx import NotReadable, Workbook

# Limits on what we agree to read at all, sized so that 100,000 rows fit
# (bench/imports.py measures a file of realistic Chinese names: 100,000 rows
# are 17 MB as UTF-8 CSV, 9 MB as XLSX whose sheet unpacks to 78 MB). Module
# constants so that tests can exercise them at their real values.
MAX_ROWS = 100_000
MAX_BYTES = 25 * 1024 * 1024
# The template has 14 columns; a value further right than this is not a
# ledger (and a row of thousands of cells would only cost time).
MAX_COLUMNS = 50
# A 100,000-row workbook unpacks to under 100 MB at a ratio near 9; more of
# either means a zip bomb, not a ledger.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100

EXTENSIONS = (".xlsx", ".csv")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S")
_INTEGER = re.compile(r"^[+-]?\d+(\.0*)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FileRefused(ValidationError):
    """The whole file is refused; its problem is stored with the import."""

    def __init__(self, code: str, **params: Any):
        self.problem = Problem(0, "", code, params)
        super().__init__(self.problem.message, code=code)


# Reading files -------------------------------------------------------------


def refuse_size(content: bytes) -> None:
    if len(content) > MAX_BYTES:
        raise FileRefused("too_large", size=f"{len(content) / 1024 / 1024:.1f}", limit=MAX_BYTES // 1024 // 1024)


def _extension(file_name: str) -> str:
    name = file_name.lower()
    for ext in EXTENSIONS:
        if name.endswith(ext):
            return ext
    raise FileRefused("extension")


def _workbook(content: bytes) -> Workbook:
    try:
        return Workbook(content, max_unpacked=MAX_UNPACKED_BYTES, max_ratio=MAX_RATIO)
    except NotReadable as exc:
        raise _refusal(exc.code, exc.params) from None


def _xlsx_rows(workbook: Workbook) -> Iterator[tuple[int, list[Any]]]:
    try:
        yield from workbook.rows(max_columns=MAX_COLUMNS)
    except NotReadable as exc:
        raise _refusal(exc.code, exc.params) from None
    finally:
        workbook.close()


def _refusal(code: str, params: dict[str, Any]) -> FileRefused:
    if code == "too_many_columns":
        return FileRefused(code, row=params["row"], column=params["column"], count=len(COLUMNS), limit=MAX_COLUMNS)
    return FileRefused(code, **params)


def _csv_text(content: bytes) -> str:
    if content.startswith(b"PK\x03\x04") or b"\x00" in content:
        raise FileRefused("not_csv")
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        # Chinese Excel saves CSV in the ANSI code page (GBK); GB18030 reads it.
        try:
            return content.decode("gb18030")
        except UnicodeDecodeError:
            raise FileRefused("not_csv") from None


def _csv_rows(text: str) -> Iterator[tuple[int, list[Any]]]:
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if len(values) > MAX_COLUMNS:
                beyond = next((i for i, v in enumerate(values[MAX_COLUMNS:], MAX_COLUMNS + 1) if v.strip()), None)
                if beyond is not None:
                    raise _refusal("too_many_columns", {"row": number, "column": beyond})
            yield number, values
    except csv.Error as exc:
        raise FileRefused("bad_csv", error=str(exc)) from None


def _blank(values: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


@dataclass
class LedgerFile:
    """A file's header and its non-blank data rows, read as they are asked for."""

    header: list[Any]
    rows: Iterator[tuple[int, list[Any]]]
    # For a progress figure: the data rows the file seems to hold (0: unknown).
    expected_rows: int


def open_file(file_name: str, content: bytes) -> LedgerFile:
    """The header at once, the data rows lazily with their Excel row numbers.

    Raises FileRefused for a file that is too large, not what its name says
    or empty; reading the rows raises it for a value beyond MAX_COLUMNS, for
    more than MAX_ROWS data rows, and at the end for no data row at all.
    """
    refuse_size(content)
    if _extension(file_name) == ".xlsx":
        workbook = _workbook(content)
        expected = workbook.declared_rows()
        if workbook.row_elements() > MAX_ROWS + 1:
            _refuse_too_many(_xlsx_rows(_workbook(content)))
        source = _xlsx_rows(workbook)
    else:
        text = _csv_text(content)
        expected = max(text.count("\n") - 1, 0)
        if expected > MAX_ROWS:
            _refuse_too_many(_csv_rows(text))
        source = _csv_rows(text)
    first = next(source, None)
    header = first[1] if first is not None and first[0] == 1 else None
    if header is None or _blank(header):
        source.close()
        raise FileRefused("empty")
    return LedgerFile(header=list(header), rows=_data_rows(source), expected_rows=expected)


def _refuse_too_many(source: Iterator[tuple[int, list[Any]]]) -> None:
    """Count the data rows of a file that may have too many, reading without
    checking, so that a file too long is refused before its rows are checked."""
    next(source, None)  # the header
    for _number, _values in _data_rows(source):
        pass


def _data_rows(source: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    count = 0
    for number, values in source:
        if _blank(values):
            continue
        count += 1
        if count > MAX_ROWS:
            source.close()
            raise FileRefused("too_many_rows", limit=f"{MAX_ROWS:,}")
        yield number, values
    if not count:
        raise FileRefused("no_rows")


def read_rows(file_name: str, content: bytes) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    """The header and every data row at once (a small file, a test)."""
    ledger_file = open_file(file_name, content)
    return ledger_file.header, list(ledger_file.rows)


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
    if _ISO_DATE.match(text):
        # The template's own notation, read without strptime (a tenth of the time).
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date; only .date() is kept)
        except ValueError:
            continue
    return None
