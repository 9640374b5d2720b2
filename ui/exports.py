"""Exports that are safe to open in a spreadsheet, and whose memory does not
grow with the rows: a list of 1,000,000 organisations must export as easily
as one of ten.

The rows are the table's own: the same export columns (non-export columns
left out), headers, values, choice labels and `value_*` methods as the page,
read from the table's filtered, scoped, sorted data in chunks (a server-side
cursor on PostgreSQL), never through the page's paginator.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext
from django_tables2.columns import Column, ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.rows import BoundRow
from django_tables2.utils import Accessor, signature
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# A cell starting with one of these is read as a formula by Excel and
# LibreOffice (CSV injection); a leading apostrophe keeps it text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel on Chinese Windows reads a CSV without a byte-order mark as GBK and
# garbles every Chinese character; with it, a double-click opens it right.
BOM = "\ufeff"

# Records fetched per round trip: large enough that the round trips cost
# nothing, small enough that memory stays flat (bench/exports.py).
CHUNK_SIZE = 2000
# CSV lines handed to the server per write.
CSV_LINES_PER_CHUNK = 500
# An Excel sheet holds 1,048,576 rows, the header included.
XLSX_MAX_ROWS = 1_048_576 - 1
# Up to this many rows an XLSX export answers inside the request (in memory,
# about a second, bench/exports.py); beyond it, an export job writes it.
XLSX_DIRECT_MAX_ROWS = 10_000
# Column widths are measured on the header and the first rows: a write-only
# sheet must have its widths before its first row.
XLSX_WIDTH_SAMPLE = 200
XLSX_MAX_WIDTH = 60
INVALID_SHEET_TITLE = re.compile(r"[\\*?:/\[\]]")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class TooManyRows(Exception):
    """More rows than an Excel sheet holds."""

    def __init__(self, rows: int, limit: int):
        self.rows, self.limit = rows, limit
        super().__init__(self.message())

    def message(self) -> str:
        return gettext(
            "This list has %(rows)s rows, more than an Excel sheet holds (%(limit)s rows and the header row). "
            "Narrow the filters, or export CSV, which has no row limit."
        ) % {"rows": f"{self.rows:,}", "limit": f"{self.limit:,}"}


# The keyword arguments django-tables2 offers a column's value or render method.
_CELL_ARGUMENTS = frozenset({"value", "record", "column", "bound_column", "bound_row", "table"})


class _CellValue:
    """One export column's value for a record: exactly what
    `BoundRow.get_cell_value()` returns (choice labels, the accessor, empty
    values, the table's `value_*`/`render_*` or the column's value method),
    with the introspection done once per column instead of once per cell.
    django-tables2 inspects each method's signature for every cell, which
    made a million rows take most of an hour (bench/exports.py)."""

    def __init__(self, table, bound_column):
        self.table, self.bound_column, self.column = table, bound_column, bound_column.column
        self.accessor = Accessor(bound_column.accessor)
        # Accessor.penultimate() splits the path for every cell; split it once.
        path, _, self.remainder = self.accessor.rpartition(Accessor.SEPARATOR)
        self.path = Accessor(path)
        function = bound_column.value
        # Column.value only hands its arguments on to the column's render.
        if getattr(function, "__func__", None) is Column.value:
            function = self.column.render
        self.function = function
        self.arguments, catch_all = signature(function)
        self.catch_all = catch_all is not None
        # A method asking for an argument django-tables2 does not offer is never called.
        self.never = not self.catch_all and not _CELL_ARGUMENTS.issuperset(self.arguments)
        self.many_to_many = isinstance(self.column, ManyToManyColumn)
        self.link_text = isinstance(self.column, BaseLinkColumn) and self.column.text is not None
        self._choice_fields: dict[type, models.Field | None] = {}
        self._labels: dict = {}

    def _choice_field(self, record):
        # The field the accessor ends on depends on the record's model only.
        key = type(record)
        if key not in self._choice_fields:
            try:
                field = self.accessor.get_field(record)
            except FieldDoesNotExist:
                field = None
            self._choice_fields[key] = field if getattr(field, "choices", ()) else None
        return self._choice_fields[key]

    def value(self, record):
        value = None
        penultimate, remainder = self.path.resolve(record, quiet=True), self.remainder
        if isinstance(penultimate, models.Model):
            field = self._choice_field(record)
            display = getattr(penultimate, f"get_{remainder}_display", None) if field is not None else None
            if display is not None:
                # A label depends on the stored value only (and the language, fixed for one export).
                raw = getattr(penultimate, field.attname, None)
                try:
                    value = self._labels[raw]
                except KeyError:
                    value = self._labels[raw] = display()
                except TypeError:
                    value = display()
                remainder = None
        if remainder:
            try:
                value = self.accessor.resolve(record)
            except Exception:
                if self.link_text:
                    return self.call(None, record)
        if value in self.column.empty_values or (self.many_to_many and not value.exists()):
            return None
        return self.call(value, record)

    def call(self, value, record):
        if self.never:
            return None
        offered = {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound_column,
            "table": self.table,
        }
        if self.catch_all or "bound_row" in self.arguments:
            offered["bound_row"] = BoundRow(record, table=self.table)
        if self.catch_all:
            return self.function(**offered)
        return self.function(**{name: offered[name] for name in self.arguments})


class TableRows:
    """The export's view of a table: its headers, then one list of values per
    record, exactly as `Table.as_values()` gives them (the old export), with
    formulas neutralised, but streamed.

    `atomic` reads a queryset inside one transaction: on PostgreSQL a
    server-side cursor outside a transaction is declared WITH HOLD, which
    makes the server compute every row before handing over the first one.
    A job that reports its progress between rows reads without it (its
    progress writes must commit while it reads)."""

    def __init__(self, table, exclude_columns: Iterable[str] = (), *, chunk_size: int = CHUNK_SIZE):
        self.table = table
        self.chunk_size = chunk_size
        exclude = set(exclude_columns or ())
        self.columns = [
            column
            for column in table.columns.iterall()
            if not (column.column.exclude_from_export or column.name in exclude)
        ]
        self.cells = [_CellValue(table, column) for column in self.columns]

    @property
    def data(self):
        return self.table.data.data

    @property
    def headers(self) -> list:
        return [force_str(column.header, strings_only=True) for column in self.columns]

    @property
    def title(self) -> str:
        try:
            title = str(self.table.Meta.model._meta.verbose_name_plural.title())
        except AttributeError:
            title = "Export Data"
        return INVALID_SHEET_TITLE.sub("-", title)[:31] or "Export Data"

    def count(self, *, up_to: int | None = None) -> int:
        """How many rows the export holds; with `up_to`, counting stops there,
        so that asking "more than 10,000?" never counts a million."""
        data = self.data
        if isinstance(data, QuerySet):
            data = data.order_by()
            return data[:up_to].count() if up_to is not None else data.count()
        return len(data) if up_to is None else min(len(data), up_to)

    def values(self, record) -> list:
        return [neutralise(force_str(cell.value(record), strings_only=True)) for cell in self.cells]

    def iterate(self, *, atomic: bool = True) -> Iterator[list]:
        data = self.data
        if not isinstance(data, QuerySet):
            for record in data:
                yield self.values(record)
            return
        if atomic:
            with transaction.atomic(using=data.db):
                for record in data.iterator(chunk_size=self.chunk_size):
                    yield self.values(record)
        else:
            for record in data.iterator(chunk_size=self.chunk_size):
                yield self.values(record)

    def __iter__(self) -> Iterator[list]:
        return self.iterate()


class _Line:
    """A file-like object whose write() returns what csv.writer wrote."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(
    rows: TableRows,
    *,
    lines_per_chunk: int = CSV_LINES_PER_CHUNK,
    done: Callable[[int, bool], None] | None = None,
) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark, header first. The header goes out before
    the query runs, so the first bytes leave at once whatever the row count.

    `done(rows, complete)` is told how many rows went out once the stream
    ends or is dropped (the audit log's row count, which only the stream knows
    without a second count of every row)."""
    writer = csv.writer(_Line())
    sent = 0
    complete = False
    try:
        yield (BOM + writer.writerow(rows.headers)).encode()
        buffer: list[str] = []
        with closing(rows.iterate()) as values:
            for row in values:
                buffer.append(writer.writerow(row))
                if len(buffer) >= lines_per_chunk:
                    yield "".join(buffer).encode()
                    sent += len(buffer)
                    buffer.clear()
        if buffer:
            yield "".join(buffer).encode()
            sent += len(buffer)
        complete = True
    finally:
        if done is not None:
            done(sent, complete)


def attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(
    rows: TableRows, filename: str, *, done: Callable[[int, bool], None] | None = None
) -> StreamingHttpResponse:
    return attachment(StreamingHttpResponse(csv_chunks(rows, done=done), content_type=CSV_CONTENT_TYPE), filename)


def _display_width(value) -> int:
    # A Chinese character takes two columns of width, a Latin one one.
    text = str(value) if value is not None else ""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _cell_value(value):
    """A value an XLSX cell takes: Excel knows no time zones (local time
    instead) and no control characters (dropped)."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def write_xlsx(
    rows: TableRows,
    target,
    *,
    total: int,
    max_rows: int = XLSX_MAX_ROWS,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 10_000,
    atomic: bool = True,
) -> int:
    """Write the rows as one sheet of a write-only workbook to `target` (a
    path or a binary file) and return how many rows were written: memory
    stays flat, as openpyxl writes each row out as it comes. Bold header,
    frozen first row, widths from the first rows (like the old export).

    `total` is the row count (rows.count()); TooManyRows is raised before
    anything is written when it does not fit in a sheet."""
    if total > max_rows:
        raise TooManyRows(total, max_rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(rows.title)
    sheet.freeze_panes = "A2"
    headers = rows.headers
    bold, wrap = Font(bold=True), Alignment(wrap_text=True)

    written = 0
    with closing(rows.iterate(atomic=atomic)) as values:
        sample = []
        for row in values:
            sample.append(row)
            if len(sample) >= XLSX_WIDTH_SAMPLE:
                break
        for index in range(len(headers)):
            width = max(_display_width(row[index]) for row in [headers, *sample])
            sheet.column_dimensions[get_column_letter(index + 1)].width = min(width + 2, XLSX_MAX_WIDTH)

        def header_cell(value):
            cell = WriteOnlyCell(sheet, value=_cell_value(value))
            cell.font = bold
            return cell

        sheet.append([header_cell(value) for value in headers])

        def body_cell(value):
            value = _cell_value(value)
            if isinstance(value, str) and "\n" in value:
                cell = WriteOnlyCell(sheet, value=value)
                cell.alignment = wrap
                return cell
            return value

        for chunk in (sample, values):
            for row in chunk:
                if written >= max_rows:
                    # Rows added since they were counted.
                    raise TooManyRows(written + 1, max_rows)
                sheet.append([body_cell(value) for value in row])
                written += 1
                if progress is not None and written % progress_every == 0:
                    progress(written)
    workbook.save(target)
    if progress is not None:
        progress(written)
    return written


def xlsx_response(rows: TableRows, filename: str, *, total: int, max_rows: int = XLSX_MAX_ROWS) -> HttpResponse:
    # Only small exports answer directly (SafeExportMixin.xlsx_direct_max_rows): they fit in memory.
    buffer = io.BytesIO()
    write_xlsx(rows, buffer, total=total, max_rows=max_rows)
    return attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE), filename)
