"""The first sheet of an .xlsx workbook, row by row, within fixed limits.

openpyxl reads a workbook written with inline strings (its own files, our
exports) at about 50 µs a cell: a minute and a half for 100,000 ledger rows.
This reader streams the sheet through expat and reads the same cell values
(shared and inline strings, numbers, booleans, dates by their number format,
formula results) ten times faster. openpyxl still supplies the number-format
rules, so a date is a date exactly when openpyxl would say so.

Nothing is decompressed before the package has been measured: a member's
declared size bounds what zipfile will inflate (it stops there and checks
the CRC), so refusing implausible declared sizes and ratios refuses a zip
bomb in milliseconds, whatever it claims. A document type declaration (the
entity tricks) is refused outright; a ledger never has one.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree
from xml.parsers import expat

from defusedxml import ElementTree as SafeElementTree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOC_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# The CJK number formats Excel leaves undeclared in zh-CN workbooks
# (2020年9月30日 and its kin): dates although openpyxl does not know them.
CJK_DATE_FORMAT_IDS = frozenset({27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58})
CHUNK = 256 * 1024
_ROW_START = re.compile(rb"<(?:\w+:)?row[\s>/]")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+(?::[A-Z]+(\d+))?\"")


class NotReadable(Exception):
    """The package is not a workbook we can read, or exceeds a limit; `code` says which."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


_LOCAL: dict[str, str] = {}


def _local(name: str) -> str:
    # Called for every element of a sheet: the namespace is split off once per tag name.
    local = _LOCAL.get(name)
    if local is None:
        local = _LOCAL.setdefault(name, name.rpartition("}")[2]) if len(_LOCAL) < 1000 else name.rpartition("}")[2]
    return local


def _column_number(reference: str) -> int:
    number = 0
    for char in reference:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        else:
            break
    return number


def _parse(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    # defusedxml: the small parts are read whole, so refuse DTDs and entities there too.
    return SafeElementTree.fromstring(archive.read(name))


class Workbook:
    """An opened package: its first worksheet, shared strings and date styles."""

    def __init__(self, content: bytes, *, max_unpacked: int, max_ratio: int):
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(content))
        except (zipfile.BadZipFile, OSError, ValueError):
            raise NotReadable("not_xlsx") from None
        infos = self.archive.infolist()
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise NotReadable("not_xlsx")
        if sum(info.file_size for info in infos) > max_unpacked or any(
            info.file_size > 1024 * 1024 and info.file_size > max_ratio * max(info.compress_size, 1) for info in infos
        ):
            raise NotReadable("zip_bomb")
        try:
            types = _parse(self.archive, "[Content_Types].xml")
            # The content type says what the package is: a macro workbook or a
            # template renamed to .xlsx has a different one.
            if XLSX_MAIN not in {el.get("ContentType") for el in types.iter(f"{CONTENT_TYPES_NS}Override")}:
                raise NotReadable("not_xlsx")
            workbook = _parse(self.archive, "xl/workbook.xml")
            rels = self._relationships("xl/_rels/workbook.xml.rels", names)
            self.epoch = CALENDAR_WINDOWS_1900
            for properties in workbook.iter():
                if _local(properties.tag) == "workbookPr" and properties.get("date1904") in ("1", "true"):
                    self.epoch = CALENDAR_MAC_1904
            self.sheet = self._first_sheet(workbook, rels, names)
            self.date_styles = self._date_styles(rels.get("styles"), names)
            self.strings = self._shared_strings(rels.get("sharedStrings"), names)
        except (ElementTree.ParseError, KeyError, ValueError, zipfile.BadZipFile, expat.ExpatError, OSError):
            raise NotReadable("not_xlsx") from None
        except Exception as exc:  # defusedxml's refusals of DTDs and entities
            if type(exc).__module__.startswith("defusedxml"):
                raise NotReadable("not_xlsx") from None
            raise

    def _relationships(self, name: str, names: set[str]) -> dict[str, Any]:
        """Relationship id → target path, and the first target of each kind (by its type's last word)."""
        found: dict[str, Any] = {}
        if name not in names:
            return found
        for rel in _parse(self.archive, name).iter(f"{REL_NS}Relationship"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            kind = rel.get("Type", "").rpartition("/")[2]
            found[rel.get("Id")] = (kind, path)
            found.setdefault(kind, path)
        return found

    @staticmethod
    def _first_sheet(workbook: ElementTree.Element, rels: dict[str, Any], names: set[str]) -> str:
        # The first worksheet in the workbook's order, as openpyxl's worksheets[0].
        for sheet in workbook.iter():
            if _local(sheet.tag) != "sheet":
                continue
            kind, path = rels.get(sheet.get(f"{DOC_REL_NS}id"), ("", ""))
            if kind == "worksheet" and path in names:
                return path
        raise NotReadable("not_xlsx")

    def _date_styles(self, path: str | None, names: set[str]) -> frozenset[int]:
        if not path or path not in names:
            return frozenset()
        styles = _parse(self.archive, path)
        custom: dict[int, str] = {}
        cell_formats: list[int] = []
        for element in styles:
            tag = _local(element.tag)
            if tag == "numFmts":
                custom = {int(f.get("numFmtId")): f.get("formatCode", "") for f in element}
            elif tag == "cellXfs":
                cell_formats = [int(xf.get("numFmtId", 0)) for xf in element]
        dates = set()
        for index, format_id in enumerate(cell_formats):
            code = custom.get(format_id, BUILTIN_FORMATS.get(format_id))
            if (code is not None and is_date_format(code)) or (code is None and format_id in CJK_DATE_FORMAT_IDS):
                dates.add(index)
        return frozenset(dates)

    def _shared_strings(self, path: str | None, names: set[str]) -> list[str]:
        strings: list[str] = []
        if not path or path not in names:
            return strings
        text: list[str] = []
        state = {"in_t": False, "phonetic": 0}

        def start(name, _attrs):
            local = _local(name)
            if local == "si":
                text.clear()
            elif local == "t" and not state["phonetic"]:
                state["in_t"] = True
            elif local == "rPh":
                state["phonetic"] += 1

        def end(name):
            local = _local(name)
            if local == "si":
                strings.append("".join(text))
            elif local == "t":
                state["in_t"] = False
            elif local == "rPh":
                state["phonetic"] -= 1

        def data(chunk):
            if state["in_t"]:
                text.append(chunk)

        parser = _expat(start, end, data)
        with self.archive.open(path) as source:
            while chunk := source.read(CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
        return strings

    def declared_rows(self) -> int:
        """The data rows the sheet's <dimension> claims (0 if none): a hint for
        a progress figure, never a limit (some writers record a wrong size)."""
        with self.archive.open(self.sheet) as source:
            found = _DIMENSION.search(source.read(4096))
        return max(int(found.group(1)) - 1, 0) if found and found.group(1) else 0

    def row_elements(self) -> int:
        """How many <row> elements the sheet holds, counted in the inflated
        bytes without parsing (a tenth of the time): an upper bound of its
        data rows, which parsing alone can tell."""
        count = 0
        tail = b""
        with self.archive.open(self.sheet) as source:
            while chunk := source.read(CHUNK):
                text = tail + chunk
                # A tag cut in two by the chunk's end is counted with the next chunk, once.
                count += sum(1 for found in _ROW_START.finditer(text) if found.end() > len(tail))
                tail = text[-32:]
        return count

    def rows(self, *, max_columns: int) -> Iterator[tuple[int, list[Any]]]:
        """(row number, values by column from A) for every row element of the
        first sheet; a value right of `max_columns` is refused with its place."""
        reader = _SheetReader(self, max_columns)
        try:
            with self.archive.open(self.sheet) as source:
                while chunk := source.read(CHUNK):
                    reader.parser.Parse(chunk, False)
                    yield from reader.take()
            reader.parser.Parse(b"", True)
            yield from reader.take()
        except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, ValueError, IndexError):
            # A damaged sheet part (or a cell that is not what its type says)
            # surfaces only while reading rows.
            raise NotReadable("not_xlsx") from None

    def close(self) -> None:
        self.archive.close()


def _expat(start, end, data) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True

    def refuse(*_args):
        raise NotReadable("not_xlsx")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    return parser


class _SheetReader:
    """expat handlers that collect a sheet's rows as they are parsed."""

    def __init__(self, workbook: Workbook, max_columns: int):
        self.workbook = workbook
        self.max_columns = max_columns
        self.parser = _expat(self.start, self.end, self.data)
        self.ready: list[tuple[int, list[Any]]] = []
        self.row_number = 0
        self.cells: dict[int, Any] = {}
        self.column = 0
        self.kind = "n"
        self.style = 0
        self.text: list[str] = []
        self.collecting = False
        self.phonetic = 0

    def take(self) -> list[tuple[int, list[Any]]]:
        ready, self.ready = self.ready, []
        return ready

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "c":
            reference = attrs.get("r")
            self.column = _column_number(reference) if reference else self.column + 1
            self.kind = attrs.get("t", "n")
            self.style = int(attrs.get("s", 0) or 0)
            self.text = []
        elif local == "v" or (local == "t" and not self.phonetic):
            self.collecting = True
        elif local == "row":
            number = attrs.get("r")
            self.row_number = int(float(number)) if number else self.row_number + 1
            self.cells = {}
            self.column = 0
        elif local == "rPh":
            self.phonetic += 1

    def end(self, name: str) -> None:
        local = _local(name)
        if local in ("v", "t"):
            self.collecting = False
        elif local == "c":
            value = self.value("".join(self.text)) if self.text else None
            if value is not None and value != "":
                if self.column > self.max_columns:
                    raise NotReadable("too_many_columns", row=self.row_number, column=self.column)
                self.cells[self.column] = value
        elif local == "row":
            width = max(self.cells, default=0)
            values: list[Any] = [None] * width
            for column, value in self.cells.items():
                values[column - 1] = value
            self.ready.append((self.row_number, values))
        elif local == "rPh":
            self.phonetic -= 1

    def data(self, chunk: str) -> None:
        if self.collecting:
            self.text.append(chunk)

    def value(self, text: str) -> Any:
        kind = self.kind
        if kind in ("inlineStr", "str", "e"):
            return text
        if kind == "s":
            return self.workbook.strings[int(text)]
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            return from_ISO8601(text)
        number = float(text) if any(c in text for c in ".eE") else int(text)
        if self.style in self.workbook.date_styles:
            try:
                return from_excel(number, self.workbook.epoch)
            except (ValueError, OverflowError):
                return number
        return number
