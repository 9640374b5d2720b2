"""Checking a ledger file row by row with the model's own rules.

Reading a cell (a choice by its label, an area by its name, a date written
2020/9/30) is the import's business; whether the value is allowed is the
model's. Every row becomes a SocialOrganization and passes its full_clean():
required fields, field lengths, the credit-code validator, the integer
ranges and clean()'s cross-field rules. The model's errors are reported
under the column that holds the field.

What only a file can get wrong is checked here: a credit code twice in the
file, the template's example row left in, an area or unit outside the
import's target, a sub-district or community not under the row's
registration area, a code registered outside the user's scope. Those checks
are set-based (areas, units are loaded once, existing codes once a batch),
because a ledger may hold up to 100,000 rows; rows are checked in batches
as they are read (`batches`), so that a file's rows are never all in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.functional import Promise

from coverage.models import LedgerImportRow
from organizations.creditcode import code_warnings
from organizations.models import Area, SocialOrganization, SupervisingUnit
from political.models import PoliticalBuilding
from ui import bounds
from xian_partybuild import clock

from .columns import (
    CHOICES,
    COLUMN_OF_FIELD,
    COLUMNS,
    CROSS_FIELDS,
    EXAMPLE_ORG_CODE,
    HEADERS,
    POLITICAL_FIELDS,
    POLITICAL_LOOKUPS,
    WRITTEN_FIELDS,
    label_map,
    political_changed,
    political_now,
    zh_label,
)
from .parsing import FileRefused, LedgerFile, cell_date, cell_integer, cell_text
from .problems import Problem, in_every_language

if TYPE_CHECKING:
    from accounts.models import User
    from coverage.ledgers.services import Owner

BATCH = 2000
# Codes asked of the database at a time (SQLite's parameter limit, short IN lists).
QUERY_CHUNK = 500
# Foreign keys the import resolves by name from rows loaded once; the
# model's own existence check would cost a query per row.
RESOLVED = ("area", "location", "supervising_unit")
# A value the model has accepted once for a field is not validated again
# (field validation depends on the value alone): most columns repeat a few
# values, and the fields the file does not fill hold their defaults. Only
# these, nearly unique a row, are validated every time.
UNIQUE_VALUED = frozenset({"credit_code", "name", "setup_contact", "setup_contact_phone"})
KNOWN_GOOD_LIMIT = 50_000
Kind = LedgerImportRow.Kind
_REPEATING = tuple(
    (f.name, f.attname)
    for f in SocialOrganization._meta.concrete_fields
    if f.name not in UNIQUE_VALUED and not f.primary_key and f.name not in RESOLVED
)


@dataclass
class Batch:
    """Checked rows: the valid ones (row number, model field values), the problems and the warnings."""

    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    row_count: int = 0
    # What the import would do with each valid row, by row number: a kind of
    # LedgerImportRow.Kind and the existing record's key (None for a new one).
    plans: dict[int, tuple[str, int | None]] = field(default_factory=dict)
    # The rows with problems: (row number, credit code and name as read).
    invalid: list[tuple[int, str, str]] = field(default_factory=list)


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


def _column_order(problem: Problem) -> tuple[int, int]:
    return problem.row, HEADERS.index(problem.column) if problem.column in HEADERS else -1


class RowChecker:
    def __init__(self, actor: User, target: Owner):
        self.actor = actor
        self.target = target
        self.today = clock.today()
        self.areas: dict[str, list[Area]] = {}
        self.area_by_pk: dict[int, Area] = {}
        for area in Area.objects.registration_areas():
            self.areas.setdefault(area.name, []).append(area)
            self.area_by_pk[area.pk] = area
        # Where organisations sit: the sub-districts and communities by name,
        # and each community's sub-district, for `街道/社区` (community names
        # repeat across sub-districts). A city's tree is a few thousand rows.
        self.places: dict[str, list[Area]] = {}
        self.place_by_pk: dict[int, Area] = {}
        for place in Area.objects.filter(level__in=Area.LOCATION_LEVELS):
            self.places.setdefault(place.name, []).append(place)
            self.place_by_pk[place.pk] = place
        tree = {**self.area_by_pk, **self.place_by_pk}
        self.subdistrict_names = {
            pk: subdistrict.name
            for pk, place in self.place_by_pk.items()
            if place.level == Area.Level.COMMUNITY and (subdistrict := place.subdistrict_of(tree)) is not None
        }
        # (cell, registration area) → (place, problem code, its parameters):
        # a ledger names the same few places on many rows.
        self.located: dict[tuple[str, int | None], tuple[int | None, str, dict[str, Any]]] = {}
        allowed = Area.objects.for_user(actor).registration_areas()
        if target.area is not None:
            allowed = allowed.filter(path__startswith=target.area.path)
        self.allowed_area_ids = set(allowed.values_list("pk", flat=True))
        self.units = {u.name: u for u in SupervisingUnit.objects.all()}
        allowed_units = SupervisingUnit.objects.for_user(actor)
        if target.supervising_unit is not None:
            allowed_units = allowed_units.filter(pk=target.supervising_unit.pk)
        self.allowed_unit_ids = set(allowed_units.values_list("pk", flat=True))
        self.labels = {name: label_map(choices) for name, choices in CHOICES.items()}
        self.known_good: set[tuple[str, Any]] = set()

    # The whole file, in memory (a small file, a test) ------------------------------

    def check(self, header: list[Any], rows: Iterable[tuple[int, list[Any]]]) -> CheckResult:
        result = CheckResult()
        index, problems = self.header(header)
        if problems:
            result.problems = problems
            for _row in rows:  # a refusal of the whole file comes before its header's problems
                result.row_count += 1
            return result
        for batch in self.batches(index, rows):
            result.row_count += batch.row_count
            result.rows.extend(batch.rows)
            result.problems.extend(batch.problems)
            result.warnings.extend(batch.warnings)
        return result

    def check_file(self, ledger_file: LedgerFile) -> CheckResult:
        try:
            return self.check(ledger_file.header, ledger_file.rows)
        except FileRefused as exc:
            return CheckResult(refused=exc.problem)

    # Header and rows -------------------------------------------------------------------

    def header(self, header: list[Any]) -> tuple[dict[str, int], list[Problem]]:
        names = [cell_text(h).lstrip("\ufeff") for h in header]
        index: dict[str, int] = {}
        problems: list[Problem] = []
        for position, name in enumerate(names):
            if not name:
                continue
            if name in index:
                problems.append(Problem(1, name, "duplicate_column", {"column": name}))
            elif name not in HEADERS:
                problems.append(Problem(1, name, "unknown_column", {"column": name}))
            index.setdefault(name, position)
        # The cross-appointment columns go together: the model's constraint
        # ties the date to both counts, and a row cannot be checked on a part.
        cross = [COLUMN_OF_FIELD[name].header for name in CROSS_FIELDS]
        partial = any(header in index for header in cross)
        for column in COLUMNS:
            if column.header not in index and (not column.optional or (partial and column.header in cross)):
                problems.append(Problem(1, column.header, "missing_column", {"column": column.header}))
        return index, problems

    def batches(self, index: dict[str, int], rows: Iterable[tuple[int, list[Any]]]) -> Iterator[Batch]:
        """The rows checked BATCH at a time, each batch against the records in two queries."""
        # An optional column the file leaves out is not in `cells`: not given.
        positions = [(c.field, index[c.header]) for c in COLUMNS if c.header in index]
        seen: dict[str, int] = {}
        batch = Batch()
        parsed: list[tuple[int, dict[str, Any]]] = []
        for number, values in rows:
            width = len(values)
            cells = {name: values[at] if at < width else None for name, at in positions}
            fields, problems = self._row(number, cells, seen)
            batch.row_count += 1
            if problems:
                batch.problems.extend(problems)
                batch.invalid.append(_invalid(number, fields))
            else:
                parsed.append((number, fields))
            if batch.row_count == BATCH:
                yield self._finish(batch, parsed)
                batch, parsed = Batch(), []
        if batch.row_count:
            yield self._finish(batch, parsed)

    def _row(self, number: int, cells: dict[str, Any], seen: dict[str, int]) -> tuple[dict[str, Any], list[Problem]]:
        # At most one problem a cell: the first thing wrong with it.
        problems: dict[str, Problem] = {}

        def problem(field_name: str, code: str, /, **params: Any) -> None:
            problems.setdefault(field_name, Problem(number, COLUMN_OF_FIELD[field_name].header, code, params))

        fields = self._read(cells, problem)
        skip = set(problems)
        for name, errors in self._model_errors(fields, skip=skip).items():
            problems.setdefault(name, self._model_problem(number, name, errors[0], fields, skip))
        for name, error in self._political_errors(fields, skip=skip).items():
            texts = in_every_language(lambda e=error: " ".join(e))
            problem(name, f"{name}_{error.code or 'invalid'}", texts=texts)
        code = fields["credit_code"]
        if "credit_code" not in problems:
            if code[8:17] == EXAMPLE_ORG_CODE:
                problem("credit_code", "example_row")
            elif code in seen:
                problem("credit_code", "duplicate", row=seen[code])
            else:
                seen[code] = number
        return fields, list(problems.values())

    def _read(self, cells: dict[str, Any], problem) -> dict[str, Any]:
        """The row's cells as model field values; a cell that cannot be read is a problem and None."""
        fields: dict[str, Any] = {}
        for column in COLUMNS:
            name = column.field
            model_field = column.model._meta.get_field(name)
            if model_field.is_relation or name not in cells:
                continue  # resolved below; or an optional column the file leaves out
            raw = cells[name]
            text = cell_text(raw)
            if name in CHOICES:
                fields[name] = self.labels[name].get(text) if text else (column.default or "")
                if fields[name] is None:
                    allowed = "、".join(zh_label(CHOICES[name], v) for v in CHOICES[name].values)
                    problem(name, f"unknown_{name}", value=text, allowed=allowed)
            elif isinstance(model_field, models.IntegerField):
                fields[name] = cell_integer(raw) if text else None
                if text and fields[name] is None:
                    problem(name, "not_integer")
                elif not text and column.default is not None:
                    fields[name] = int(column.default)  # a blank count of the indicators: none
                _bounded(problem, name, bounds.validate_count, fields[name])
            elif isinstance(model_field, models.DateField):
                fields[name] = cell_date(raw) if text else None
                if text and fields[name] is None:
                    problem(name, "bad_date")
                _bounded(problem, name, bounds.validate_date, fields[name])
            else:
                # Spaces are what copy-and-paste adds to a code (as SocialOrganizationForm strips them).
                fields[name] = text.replace(" ", "") if name == "credit_code" else text
                _bounded(problem, name, bounds.validate_text, fields[name])
                if "phone" in name:
                    _bounded(problem, name, bounds.validate_phone, fields[name])
        # A ledger reports a half-year that has ended: a deregistration it
        # records has happened. (The model allows a future date for a form.)
        if fields["deregistered_on"] and fields["deregistered_on"] > self.today:
            problem("deregistered_on", "future_date")
        fields["area_id"] = self._area(cell_text(cells["area"]), problem)
        fields["supervising_unit_id"] = self._unit(cell_text(cells["supervising_unit"]), problem)
        if "location" in cells:
            fields["location_id"] = self._location(cell_text(cells["location"]), fields["area_id"], problem)
        return fields

    def _area(self, name: str, problem) -> int | None:
        if not name:
            return None
        matches = self.areas.get(name, [])
        if len(matches) != 1:
            problem("area", "unknown_area", name=name)
            return None
        if matches[0].pk not in self.allowed_area_ids:
            problem("area", "area_scope", name=name, target=self.target.label)
            return None
        return matches[0].pk

    def _location(self, text: str, area_id: int | None, problem) -> int | None:
        """The sub-district or community a cell names, under the row's registration area."""
        if not text:
            return None
        key = (text, area_id)
        if key not in self.located:
            self.located[key] = self._find_location(text, area_id)
        pk, code, params = self.located[key]
        if code:
            problem("location", code, **params)
        return pk

    def _find_location(self, text: str, area_id: int | None) -> tuple[int | None, str, dict[str, Any]]:
        subdistrict, _slash, community = text.replace("／", "/").partition("/")
        subdistrict, community = subdistrict.strip(), community.strip()
        if community:
            found = [
                place for place in self.places.get(community, []) if self.subdistrict_names.get(place.pk) == subdistrict
            ]
        else:
            found = self.places.get(subdistrict, [])
        if not found:
            return None, "unknown_location", {"name": text}
        area = self.area_by_pk.get(area_id)
        if area is None:
            # The registration area's own cell says what is wrong with it.
            return None, "", {}
        inside = [place for place in found if place.path.startswith(area.path)]
        if not inside:
            where = self._district_of(found[0])
            return None, "location_scope", {"name": text, "where": where.name if where else "—", "area": area.name}
        if len(inside) > 1:
            communities = [place for place in inside if place.pk in self.subdistrict_names]
            example = communities[0] if communities else inside[0]
            return (
                None,
                "ambiguous_location",
                {"name": text, "area": area.name, "count": len(inside), "example": self._full_name(example)},
            )
        return inside[0].pk, "", {}

    def _district_of(self, place: Area) -> Area | None:
        """The registration area a place lies in: the deepest one whose path is a prefix of its path."""
        return max(
            (area for area in self.area_by_pk.values() if place.path.startswith(area.path)),
            key=lambda area: len(area.path),
            default=None,
        )

    def _full_name(self, place: Area) -> str:
        subdistrict = self.subdistrict_names.get(place.pk)
        return f"{subdistrict}/{place.name}" if subdistrict else place.name

    def _unit(self, name: str, problem) -> int | None:
        if not name:
            if self.target.supervising_unit is not None:
                problem("supervising_unit", "unit_missing", target=self.target.label)
            return None
        unit = self.units.get(name)
        if unit is None:
            problem("supervising_unit", "unknown_unit", name=name)
            return None
        if unit.pk not in self.allowed_unit_ids:
            problem("supervising_unit", "unit_scope", name=name, target=self.target.label)
            return None
        return unit.pk

    def _model_problem(
        self, number: int, name: str, error: ValidationError, fields: dict[str, Any], skip: set[str]
    ) -> Problem:
        """One of the model's errors as a problem in the column of its field, in the model's words."""
        column = COLUMN_OF_FIELD[name].header if name in COLUMN_OF_FIELD else ""
        if error.code in ("blank", "null"):
            # The model's rule, in the words of a spreadsheet.
            return Problem(number, column, "required")
        prefix = "row" if name == NON_FIELD_ERRORS else name
        if isinstance(error.message, Promise):
            texts = in_every_language(lambda: " ".join(error))
        else:
            # Formatted when raised: ask the model again in each language.
            texts = in_every_language(lambda: " ".join(self._model_errors(fields, skip=skip)[name][0]))
        return Problem(number, column, f"{prefix}_{error.code or 'invalid'}", {"texts": texts})

    def _model_errors(self, fields: dict[str, Any], *, skip: set[str]) -> dict[str, list[ValidationError]]:
        """The model's validation of the row (full_clean()'s field and clean()
        steps), fields already found wrong left out.

        As in a form, a field the model refuses is blank for clean()'s
        cross-field rules, so a negative head count is one problem, not also
        "more members than staff". A resolved area or unit is known to exist;
        an empty one is left to the model, which refuses a missing required
        one without a query. Uniqueness is checked set-based against the
        records (_finish); the table constraints are what clean() states per field.
        """
        organization = SocialOrganization(**{k: v for k, v in fields.items() if k not in POLITICAL_FIELDS})
        if fields.get("location_id") is not None:
            # clean() checks the place lies under the registration area: on
            # the areas loaded once, not a query for each of the two a row.
            organization.location = self.place_by_pk[fields["location_id"]]
            organization.area = self.area_by_pk[fields["area_id"]]
        errors: dict[str, list[ValidationError]] = {}
        values = {name: getattr(organization, attname) for name, attname in _REPEATING}
        known = {name for name, value in values.items() if (name, value) in self.known_good}
        exclude = skip | known | {name for name in RESOLVED if fields.get(f"{name}_id") is not None}
        try:
            organization.clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors.update(exc.error_dict)
            for name in exc.error_dict:
                setattr(organization, SocialOrganization._meta.get_field(name).attname, None)
        if len(self.known_good) < KNOWN_GOOD_LIMIT:
            self.known_good.update(
                (name, value) for name, value in values.items() if name not in exclude and name not in errors
            )
        try:
            organization.clean()
        except ValidationError as exc:
            for name, found in exc.update_error_dict({}).items():
                errors.setdefault(name, found)
        return {name: found for name, found in errors.items() if name not in skip}

    def _political_errors(self, fields: dict[str, Any], *, skip: set[str]) -> dict[str, ValidationError]:
        """The political-building model's rules (its fields' and clean()'s, as
        the political form applies them) on the indicators the row gives; a
        row of a file without their columns gives none."""
        given = [name for name in POLITICAL_FIELDS if name in fields]
        if not given:
            return {}
        # A cell already found wrong is blank for clean(): one problem a cell.
        values = {name: (None if name in skip else fields[name]) for name in given}
        instance = PoliticalBuilding(
            **{k: (0 if v is None and not k.endswith("_on") else v) for k, v in values.items()}
        )
        errors: dict[str, ValidationError] = {}
        not_given = {f.name for f in PoliticalBuilding._meta.concrete_fields} - set(given)
        try:
            instance.clean_fields(exclude=not_given | skip)
        except ValidationError as exc:
            for name, found in exc.error_dict.items():
                errors[name] = found[0]
                setattr(instance, name, None if name.endswith("_on") else 0)
        try:
            instance.clean()
        except ValidationError as exc:
            for name, found in exc.update_error_dict({}).items():
                errors.setdefault(name, found[0])
        return {name: error for name, error in errors.items() if name in given and name not in skip}

    def _finish(self, batch: Batch, parsed: list[tuple[int, dict[str, Any]]]) -> Batch:
        """Existing organisations by code: they must be the actor's to change."""
        codes = [fields["credit_code"] for _number, fields in parsed]
        existing: dict[str, int] = {}
        # The written fields of the records found, in the same query: what
        # the import would change is then known without another.
        current: dict[int, tuple] = {}
        visible: set[int] = set()
        for start in range(0, len(codes), QUERY_CHUNK):
            found = SocialOrganization.objects.filter(credit_code__in=codes[start : start + QUERY_CHUNK]).values_list(
                "credit_code", "pk", *WRITTEN_FIELDS, *POLITICAL_LOOKUPS
            )
            keys = []
            for code, pk, *written in found:
                existing[code] = pk
                current[pk] = tuple(written)
                keys.append(pk)
            if keys:
                mine = SocialOrganization.objects.for_user(self.actor).filter(pk__in=keys)
                visible.update(mine.values_list("pk", flat=True))
        header = COLUMN_OF_FIELD["credit_code"].header
        for number, fields in parsed:
            pk = existing.get(fields["credit_code"])
            if pk is not None and pk not in visible:
                batch.problems.append(Problem(number, header, "org_scope"))
                batch.invalid.append(_invalid(number, fields))
                continue
            batch.plans[number] = (_kind(current.get(pk), fields), pk)
            found = code_warnings(fields["credit_code"], fields["category"])
            if found:
                texts = in_every_language(lambda f=fields: code_warnings(f["credit_code"], f["category"]))
                for position in range(len(found)):
                    words = {language: said[position] for language, said in texts.items()}
                    batch.warnings.append(Problem(number, header, "code_warning", {"texts": words}))
            batch.rows.append((number, fields))
        batch.problems.sort(key=_column_order)
        batch.invalid.sort()
        return batch


def _kind(current: tuple | None, fields: dict[str, Any]) -> str:
    """What the import would do with a valid row, given the record's written fields now."""
    if current is None:
        return Kind.CREATE
    # A field the row lacks (its optional column left out of the file) is not given: no change.
    written, political = current[: len(WRITTEN_FIELDS)], current[len(WRITTEN_FIELDS) :]
    same = all(name not in fields or value == fields[name] for name, value in zip(WRITTEN_FIELDS, written, strict=True))
    # An indicator that changes is an update of the organisation's row, too.
    same = same and not political_changed(political_now(political), fields)
    return Kind.UNCHANGED if same else Kind.UPDATE


def _invalid(number: int, fields: dict[str, Any]) -> tuple[int, str, str]:
    return number, str(fields.get("credit_code") or "")[:18], str(fields.get("name") or "")[:200]


def _bounded(problem: Callable[..., None], name: str, validate: Callable[[Any], None], value: Any) -> None:
    """The forms' plausibility bounds (ui.bounds), as a problem of the cell."""
    try:
        validate(value)
    except ValidationError as exc:
        problem(name, exc.code, **(exc.params or {}))
