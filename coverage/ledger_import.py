"""Importing a ledger file (台账导入): a spreadsheet of social organisations
checked against a fixed column template, previewed, then upserted by credit code.

Three steps, each its own service:

- ``ledger_import_preview`` stores the upload as a LedgerImport row and checks
  it; nothing else is written. Whole files that are not what they claim are
  refused; otherwise every problem is listed by row and column.
- ``ledger_import_check`` re-reads a stored file against the records as they
  are now (the preview page calls it, so problems come in the reader's language).
- ``ledger_import_run`` imports a clean file all-or-nothing in one transaction.

The row checks are set-based (areas, units and existing codes are loaded once),
because a ledger may hold up to 100,000 rows; every row still passes the
model's own field validation and clean() before anything is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from organizations.creditcode import code_warnings, validate_credit_code
from organizations.models import Area, SocialOrganization, SupervisingUnit
from ui.exports import FORMULA_TRIGGERS, neutralise

from .models import LedgerImport, Period

if TYPE_CHECKING:
    from accounts.models import User

# Limits on what we agree to read at all. Module constants so that tests can
# exercise them at their real values.
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
# A 10 MB workbook of 100,000 rows unpacks to well under this; more means a
# zip bomb, not a ledger.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
BATCH = 500

XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
EXTENSIONS = (".xlsx", ".csv")


@dataclass(frozen=True)
class Column:
    header: str  # exactly as in the template's first row
    field: str  # SocialOrganization field it fills
    required: bool


# The file format is a contract with the districts' spreadsheets, so the
# headers are fixed text, not translations: they must not change when a
# translation does. (A test checks they match the model's zh-hans labels.)
COLUMNS = (
    Column("统一社会信用代码", "credit_code", True),
    Column("名称", "name", True),
    Column("类别", "category", True),
    Column("登记区域", "area", True),
    Column("业务主管单位", "supervising_unit", False),
    Column("登记日期", "registered_on", True),
    Column("从业人员数", "staff_count", True),
    Column("正式党员数", "formal_party_members", True),
    Column("状态", "status", True),
    Column("注销日期", "deregistered_on", False),
    Column("党组织组建方式", "setup_path", False),
    Column("党建联络人", "setup_contact", False),
    Column("联系电话", "setup_contact_phone", False),
)
HEADERS = tuple(c.header for c in COLUMNS)
COLUMN_OF_FIELD = {c.field: c for c in COLUMNS}
# The fields an import writes; everything else on the record is left alone.
WRITTEN_FIELDS = (
    "name",
    "category",
    "area_id",
    "supervising_unit_id",
    "registered_on",
    "staff_count",
    "formal_party_members",
    "status",
    "deregistered_on",
    "setup_path",
    "setup_contact",
    "setup_contact_phone",
)

# The organisation-code part of the template's example row: a row that still
# carries it was left in by mistake.
EXAMPLE_ORG_CODE = "MA0000001"
INT_MAX = 2_147_483_647
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S")
_INTEGER = re.compile(r"^[+-]?\d+(\.0*)?$")


@dataclass(frozen=True)
class Problem:
    row: int  # as Excel numbers it: the header is row 1; 0 for the file as a whole
    column: str  # the template header, "" for the file as a whole
    code: str
    message: str


class FileRefused(ValidationError):
    """The whole file is refused before any row is read."""

    def __init__(self, message: str, code: str):
        super().__init__(message, code=code)
        self.problem = Problem(0, "", code, message)


@dataclass
class CheckResult:
    row_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    refused: Problem | None = None
    # Valid rows: (row number, field values ready for the model).
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.refused is None and not self.problems

    @property
    def all_problems(self) -> list[Problem]:
        return [self.refused] if self.refused else self.problems


# Labels --------------------------------------------------------------------


def label_map(choices: type) -> dict[str, str]:
    """Cell text → stored value for a TextChoices: the zh-hans labels the
    template uses, plus the English labels and raw values, which cost nothing."""
    mapping: dict[str, str] = {}
    for value, label in choices.choices:
        mapping[value] = value
        with translation.override("en"):
            mapping[str(label)] = value
        with translation.override("zh-hans"):
            mapping[str(label)] = value
    return mapping


def zh_label(choices: type, value: str) -> str:
    with translation.override("zh-hans"):
        return str(choices(value).label)


# Reading files -------------------------------------------------------------


def _refuse_size(content: bytes) -> None:
    if len(content) > MAX_BYTES:
        raise FileRefused(
            _(
                "The file is %(size)s MB; files of more than %(limit)s MB are not accepted. Split the ledger into smaller files."
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

    import openpyxl

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
    _refuse_size(content)
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


def _text(value: Any) -> str:
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


def _integer(value: Any) -> int | None:
    """An integer or None if the cell holds something else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value)
    if not _INTEGER.match(text):
        return None
    return int(text.split(".")[0])


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


# Checking ------------------------------------------------------------------


@dataclass
class Target:
    """Where an import may write: a registration area or a supervising unit."""

    area: Area | None
    supervising_unit: SupervisingUnit | None

    @property
    def label(self) -> str:
        return str(self.area or self.supervising_unit)


def import_target(*, actor: User, area: Area | None = None, supervising_unit: SupervisingUnit | None = None) -> Target:
    """A district official imports into their own area and an industry
    committee into its own unit, whatever was asked; city staff choose one."""
    if not actor.can_edit_records:
        raise PermissionDenied(_("You may read these records but not change them."))
    if actor.role == actor.Role.DISTRICT and actor.area_id:
        if (area is not None and area.pk != actor.area_id) or supervising_unit is not None:
            raise PermissionDenied(_("You can import only into your own area."))
        return Target(actor.area, None)
    if actor.role == actor.Role.INDUSTRY and actor.supervising_unit_id:
        if area is not None or (supervising_unit is not None and supervising_unit.pk != actor.supervising_unit_id):
            raise PermissionDenied(_("You can import only the organisations of your own supervising unit."))
        return Target(None, actor.supervising_unit)
    if actor.is_city_staff:
        if (area is None) == (supervising_unit is None):
            raise ValidationError(_("Choose either an area or a supervising unit to import into."), code="target")
        return Target(area, supervising_unit)
    raise PermissionDenied(_("You may read these records but not change them."))


class _Checker:
    def __init__(self, actor: User, target: Target):
        self.actor = actor
        self.target = target
        self.today = timezone.localdate()
        registration = Area.objects.registration_areas()
        self.areas: dict[str, list[Area]] = {}
        for area in registration:
            self.areas.setdefault(area.name, []).append(area)
        allowed = Area.objects.for_user(actor).registration_areas()
        if target.area is not None:
            allowed = allowed.filter(path__startswith=target.area.path)
        self.allowed_area_ids = set(allowed.values_list("pk", flat=True))
        self.units = {u.name: u for u in SupervisingUnit.objects.all()}
        allowed_units = SupervisingUnit.objects.for_user(actor)
        if target.supervising_unit is not None:
            allowed_units = allowed_units.filter(pk=target.supervising_unit.pk)
        self.allowed_unit_ids = set(allowed_units.values_list("pk", flat=True))
        self.categories = label_map(SocialOrganization.Category)
        self.statuses = label_map(SocialOrganization.Status)
        self.setup_paths = label_map(SocialOrganization.SetupPath)

    def check(self, header: list[Any], rows: list[tuple[int, list[Any]]]) -> CheckResult:
        result = CheckResult(row_count=len(rows))
        index = self._header(header, result)
        if result.problems:
            return result
        parsed: list[tuple[int, dict[str, Any]]] = []
        seen: dict[str, int] = {}
        for number, values in rows:
            cells = {c.field: values[index[c.header]] if index[c.header] < len(values) else None for c in COLUMNS}
            fields, problems = self._row(number, cells, seen)
            result.problems.extend(problems)
            if not problems:
                parsed.append((number, fields))
        self._against_records(parsed, result)
        return result

    def _header(self, header: list[Any], result: CheckResult) -> dict[str, int]:
        names = [_text(h).lstrip("\ufeff") for h in header]
        index: dict[str, int] = {}
        for position, name in enumerate(names):
            if not name:
                continue
            if name in index:
                result.problems.append(
                    Problem(1, name, "duplicate_column", _("The column “%(column)s” appears twice.") % {"column": name})
                )
            elif name not in HEADERS:
                result.problems.append(
                    Problem(
                        1,
                        name,
                        "unknown_column",
                        _("“%(column)s” is not a column of the ledger template.") % {"column": name},
                    )
                )
            index.setdefault(name, position)
        for column in COLUMNS:
            if column.header not in index:
                result.problems.append(
                    Problem(
                        1,
                        column.header,
                        "missing_column",
                        _("The column “%(column)s” is missing; use the ledger template.") % {"column": column.header},
                    )
                )
        return index

    def _row(self, number: int, cells: dict[str, Any], seen: dict[str, int]) -> tuple[dict[str, Any], list[Problem]]:
        problems: list[Problem] = []

        def problem(field_name: str, code: str, message: str) -> None:
            problems.append(Problem(number, COLUMN_OF_FIELD[field_name].header, code, message))

        for column in COLUMNS:
            if column.required and not _text(cells[column.field]):
                problem(column.field, "required", _("This cell is required."))
        fields: dict[str, Any] = {}

        code = _text(cells["credit_code"]).replace(" ", "")
        if code:
            try:
                validate_credit_code(code)
            except ValidationError as exc:
                problem("credit_code", f"credit_code_{exc.error_list[0].code}", " ".join(exc.messages))
            else:
                if code[8:17] == EXAMPLE_ORG_CODE:
                    problem("credit_code", "example_row", _("This is the template's example row; delete it."))
                elif code in seen:
                    problem(
                        "credit_code",
                        "duplicate",
                        _("This credit code already appears in row %(row)s.") % {"row": seen[code]},
                    )
                else:
                    seen[code] = number
        fields["credit_code"] = code

        for name, limit in (("name", 200), ("setup_contact", 50), ("setup_contact_phone", 20)):
            fields[name] = _text(cells[name])
            if len(fields[name]) > limit:
                problem(
                    name,
                    "too_long",
                    _("At most %(limit)s characters; this has %(n)s.") % {"limit": limit, "n": len(fields[name])},
                )

        for name, choices, labels, default in (
            ("category", SocialOrganization.Category, self.categories, None),
            ("status", SocialOrganization.Status, self.statuses, None),
            ("setup_path", SocialOrganization.SetupPath, self.setup_paths, SocialOrganization.SetupPath.PENDING),
        ):
            text = _text(cells[name])
            if not text:
                fields[name] = default
                continue
            fields[name] = labels.get(text)
            if fields[name] is None:
                allowed = "、".join(zh_label(choices, v) for v in choices.values)
                problem(
                    name,
                    f"unknown_{name}",
                    _("“%(value)s” is not one of: %(allowed)s.") % {"value": text, "allowed": allowed},
                )

        area_name = _text(cells["area"])
        fields["area_id"] = None
        if area_name:
            matches = self.areas.get(area_name, [])
            if len(matches) != 1:
                problem(
                    "area", "unknown_area", _("There is no registration area named “%(name)s”.") % {"name": area_name}
                )
            elif matches[0].pk not in self.allowed_area_ids:
                problem(
                    "area",
                    "area_scope",
                    _("%(name)s lies outside the area of this import (%(target)s).")
                    % {"name": area_name, "target": self.target.label},
                )
            else:
                fields["area_id"] = matches[0].pk

        unit_name = _text(cells["supervising_unit"])
        fields["supervising_unit_id"] = None
        if unit_name:
            unit = self.units.get(unit_name)
            if unit is None:
                problem(
                    "supervising_unit",
                    "unknown_unit",
                    _("There is no supervising unit named “%(name)s”.") % {"name": unit_name},
                )
            elif unit.pk not in self.allowed_unit_ids:
                problem(
                    "supervising_unit",
                    "unit_scope",
                    _("%(name)s lies outside the supervising unit of this import (%(target)s).")
                    % {"name": unit_name, "target": self.target.label},
                )
            else:
                fields["supervising_unit_id"] = unit.pk
        elif self.target.supervising_unit is not None:
            problem(
                "supervising_unit",
                "unit_scope",
                _("Give the supervising unit: this import is for %(target)s.") % {"target": self.target.label},
            )

        for name in ("staff_count", "formal_party_members"):
            fields[name] = None
            if not _text(cells[name]):
                continue
            number_value = _integer(cells[name])
            if number_value is None:
                problem(name, "not_integer", _("Give a whole number."))
            elif number_value < 0:
                problem(name, "negative", _("A count cannot be negative."))
            elif number_value > INT_MAX:
                problem(name, "too_large", _("This number is too large."))
            else:
                fields[name] = number_value
        if (
            fields["staff_count"] is not None
            and fields["formal_party_members"] is not None
            and fields["formal_party_members"] > fields["staff_count"]
        ):
            problem(
                "formal_party_members",
                "members_exceed_staff",
                _("Formal party members (%(members)s) cannot exceed the head count (%(staff)s).")
                % {"members": fields["formal_party_members"], "staff": fields["staff_count"]},
            )

        for name in ("registered_on", "deregistered_on"):
            fields[name] = None
            if not _text(cells[name]):
                continue
            day = _date(cells[name])
            if day is None:
                problem(name, "bad_date", _("Not a date; write it as 2020-12-31."))
            elif day > self.today:
                problem(name, "future_date", _("This date lies in the future."))
            else:
                fields[name] = day
        status = fields["status"]
        if status == SocialOrganization.Status.DEREGISTERED and not _text(cells["deregistered_on"]):
            problem(
                "deregistered_on",
                "deregistered_without_date",
                _("A deregistered organisation needs its deregistration date."),
            )
        elif status == SocialOrganization.Status.ACTIVE and fields["deregistered_on"]:
            problem("deregistered_on", "active_with_date", _("An active organisation has no deregistration date."))
        elif (
            fields["registered_on"]
            and fields["deregistered_on"]
            and fields["deregistered_on"] < fields["registered_on"]
        ):
            problem(
                "deregistered_on",
                "deregistered_before_registered",
                _("The deregistration date cannot precede the registration date."),
            )
        if not problems:
            problems.extend(self._model_backstop(number, fields))
        return fields, problems

    @staticmethod
    def _model_backstop(number: int, fields: dict[str, Any]) -> list[Problem]:
        """The model's own validation, so the file can never pass with less
        than a form would demand. Related rows were resolved above (one query
        each for the whole file, not one per row), and uniqueness is checked
        set-based, so those parts are left out here."""
        organization = SocialOrganization(**fields)
        try:
            organization.full_clean(
                exclude={"area", "supervising_unit"}, validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            found = []
            for name, messages in exc.message_dict.items():
                column = COLUMN_OF_FIELD.get(name)
                for message in messages:
                    found.append(Problem(number, column.header if column else "", "invalid", message))
            return found
        return []

    def _against_records(self, parsed: list[tuple[int, dict[str, Any]]], result: CheckResult) -> None:
        """Existing organisations by code: they must be the actor's to change."""
        codes = [fields["credit_code"] for _number, fields in parsed]
        existing_ids: dict[str, int] = {}
        for start in range(0, len(codes), BATCH):
            existing_ids.update(
                SocialOrganization.objects.filter(credit_code__in=codes[start : start + BATCH]).values_list(
                    "credit_code", "pk"
                )
            )
        visible = set()
        ids = list(existing_ids.values())
        for start in range(0, len(ids), BATCH):
            visible.update(
                SocialOrganization.objects.for_user(self.actor)
                .filter(pk__in=ids[start : start + BATCH])
                .values_list("pk", flat=True)
            )
        header = COLUMN_OF_FIELD["credit_code"].header
        for number, fields in parsed:
            pk = existing_ids.get(fields["credit_code"])
            if pk is not None and pk not in visible:
                result.problems.append(
                    Problem(
                        number,
                        header,
                        "org_scope",
                        _("An organisation with this credit code is registered outside your area of responsibility."),
                    )
                )
                continue
            for warning in code_warnings(fields["credit_code"], fields["category"]):
                result.warnings.append(Problem(number, header, "code_warning", warning))
            result.rows.append((number, fields))
        result.problems.sort(key=lambda p: (p.row, HEADERS.index(p.column) if p.column in HEADERS else -1))


def ledger_import_check(
    *,
    actor: User,
    file_name: str,
    content: bytes,
    area: Area | None = None,
    supervising_unit: SupervisingUnit | None = None,
) -> CheckResult:
    """Read and check a file against the records as they are now; writes nothing.

    Leadership may look at a stored import (read-only), so reading it does not
    demand the right to write; importing does.
    """
    if actor.can_edit_records:
        target = import_target(actor=actor, area=area, supervising_unit=supervising_unit)
    else:
        target = Target(area, supervising_unit)
    try:
        header, rows = read_rows(file_name, content)
    except FileRefused as exc:
        return CheckResult(refused=exc.problem)
    return _Checker(actor, target).check(header, rows)


def ledger_import_preview(
    *,
    actor: User,
    period: Period,
    file_name: str,
    content: bytes,
    area: Area | None = None,
    supervising_unit: SupervisingUnit | None = None,
) -> tuple[LedgerImport, CheckResult]:
    """Keep the upload and check it. Only the LedgerImport row is written.

    A file over the size limit is refused outright and not stored: keeping it
    would defeat the limit.
    """
    target = import_target(actor=actor, area=area, supervising_unit=supervising_unit)
    _refuse_size(content)
    result = ledger_import_check(
        actor=actor, file_name=file_name, content=content, area=target.area, supervising_unit=target.supervising_unit
    )
    ledger_import = LedgerImport.objects.create(
        period=period,
        area=target.area,
        supervising_unit=target.supervising_unit,
        uploaded_by=actor,
        file_name=file_name[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        status=LedgerImport.Status.PREVIEWED if result.ok else LedgerImport.Status.REJECTED,
        row_count=result.row_count,
        error_count=len(result.all_problems),
    )
    return ledger_import, result


def stored_check(*, actor: User, ledger_import: LedgerImport) -> CheckResult:
    return ledger_import_check(
        actor=actor,
        file_name=ledger_import.file_name,
        content=bytes(ledger_import.content),
        area=ledger_import.area,
        supervising_unit=ledger_import.supervising_unit,
    )


@transaction.atomic
def ledger_import_run(*, actor: User, ledger_import: LedgerImport) -> LedgerImport:
    """Import a checked file: create new organisations, update changed ones,
    leave identical ones alone. All or nothing."""
    if not LedgerImport.objects.for_user(actor).filter(pk=ledger_import.pk).exists():
        raise PermissionDenied(_("This record lies outside your area of responsibility."))
    # The row lock makes a double click import once: the second request waits,
    # then finds the file already imported.
    ledger_import = LedgerImport.objects.select_for_update().get(pk=ledger_import.pk)
    if ledger_import.status != LedgerImport.Status.PREVIEWED:
        raise ValidationError(
            _("This file is %(status)s and cannot be imported.") % {"status": ledger_import.get_status_display()},
            code="status",
        )
    # Checked again: the records may have changed since the preview.
    result = stored_check(actor=actor, ledger_import=ledger_import)
    if not result.ok:
        raise ValidationError(
            _("The file has %(n)s problems; nothing was imported.") % {"n": len(result.all_problems)}, code="problems"
        )
    existing = {}
    codes = [fields["credit_code"] for _number, fields in result.rows]
    for start in range(0, len(codes), BATCH):
        existing.update(
            (o.credit_code, o) for o in SocialOrganization.objects.filter(credit_code__in=codes[start : start + BATCH])
        )
    now = timezone.now()
    to_create: list[SocialOrganization] = []
    to_update: list[SocialOrganization] = []
    changed_fields: set[str] = set()
    for _number, fields in result.rows:
        organization = existing.get(fields["credit_code"])
        if organization is None:
            to_create.append(SocialOrganization(**fields))
            continue
        changed = {name for name in WRITTEN_FIELDS if getattr(organization, name) != fields[name]}
        if changed:
            for name in changed:
                setattr(organization, name, fields[name])
            # bulk_update does not run auto_now.
            organization.updated_at = now
            changed_fields |= changed
            to_update.append(organization)
    try:
        SocialOrganization.objects.bulk_create(to_create, batch_size=BATCH)
        if to_update:
            SocialOrganization.objects.bulk_update(to_update, [*sorted(changed_fields), "updated_at"], batch_size=BATCH)
    except IntegrityError as exc:
        # Someone registered one of these codes, or broke a constraint, since
        # the check: the transaction rolls back and the user tries again.
        raise ValidationError(
            _("The records changed while importing; nothing was imported. Check the file again."), code="conflict"
        ) from exc
    # The same scope check the organisation services make after a write,
    # set-based: every written record must be the actor's.
    written = [o.credit_code for o in (*to_create, *to_update)]
    for start in range(0, len(written), BATCH):
        chunk = written[start : start + BATCH]
        if SocialOrganization.objects.for_user(actor).filter(credit_code__in=chunk).count() != len(chunk):
            raise PermissionDenied(_("This record lies outside your area of responsibility."))
    ledger_import.status = LedgerImport.Status.IMPORTED
    ledger_import.created_count = len(to_create)
    ledger_import.updated_count = len(to_update)
    ledger_import.unchanged_count = len(result.rows) - len(to_create) - len(to_update)
    ledger_import.error_count = 0
    ledger_import.save(update_fields=["status", "created_count", "updated_count", "unchanged_count", "error_count"])
    return ledger_import


# The downloadable template --------------------------------------------------


def _example_row(actor: User) -> list[str]:
    from organizations.creditcode import check_character

    area = (
        actor.area
        if actor.role == actor.Role.DISTRICT and actor.area_id
        else (Area.objects.registration_areas().exclude(level=Area.Level.CITY).order_by("sort_order", "code").first())
    )
    unit = actor.supervising_unit if actor.role == actor.Role.INDUSTRY and actor.supervising_unit_id else None
    division = (area.division_code if area else "") or "610100"
    body = f"51{division}{EXAMPLE_ORG_CODE}"
    values = {
        "credit_code": body + check_character(body),
        "name": _("Example association (delete this row before importing)"),
        "category": zh_label(SocialOrganization.Category, SocialOrganization.Category.SOCIAL_GROUP),
        "area": area.name if area else "",
        "supervising_unit": unit.name if unit else "",
        "registered_on": "2015-05-01",
        "staff_count": "20",
        "formal_party_members": "3",
        "status": zh_label(SocialOrganization.Status, SocialOrganization.Status.ACTIVE),
        "deregistered_on": "",
        "setup_path": zh_label(SocialOrganization.SetupPath, SocialOrganization.SetupPath.STANDALONE),
        "setup_contact": "张三",
        "setup_contact_phone": "029-88886666",
    }
    return [values[c.field] for c in COLUMNS]


def template_csv(*, actor: User) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in HEADERS])
    writer.writerow([neutralise(v) for v in _example_row(actor)])
    # With a BOM, Chinese Excel opens UTF-8 CSV correctly.
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def template_xlsx(*, actor: User) -> bytes:
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Ledger")
    sheet.append([neutralise(h) for h in HEADERS])
    sheet.append([neutralise(v) for v in _example_row(actor)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for position, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = 20
        # An all-digit credit code or a phone number typed into a General
        # column becomes a number (and loses digits); text format keeps it.
        if column.field in ("credit_code", "setup_contact_phone"):
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(row=2, column=position).number_format = "@"
    notes = workbook.create_sheet(_("Instructions"))
    notes.append([neutralise(_("Column")), neutralise(_("Required")), neutralise(_("Allowed values"))])
    allowed = {
        "category": SocialOrganization.Category,
        "status": SocialOrganization.Status,
        "setup_path": SocialOrganization.SetupPath,
    }
    for column in COLUMNS:
        choices = allowed.get(column.field)
        values = "、".join(zh_label(choices, v) for v in choices.values) if choices else ""
        notes.append([neutralise(column.header), _("Yes") if column.required else _("No"), neutralise(values)])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["C"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
