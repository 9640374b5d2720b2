"""Checking a ledger file row by row with the model's own rules.

Reading a cell (a choice by its label, an area by its name, a date written
2020/9/30) is the import's business; whether the value is allowed is the
model's. Every row becomes a SocialOrganization and passes its full_clean():
required fields, field lengths, the credit-code validator, the integer
ranges and clean()'s cross-field rules. The model's errors are reported
under the column that holds the field.

What only a file can get wrong is checked here: a credit code twice in the
file, the template's example row left in, an area or unit outside the
import's target, a code registered outside the user's scope. Those checks
are set-based (areas, units and existing codes are loaded once), because a
ledger may hold up to 100,000 rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from organizations.creditcode import code_warnings
from organizations.models import Area, SocialOrganization, SupervisingUnit
from xian_partybuild import clock

from .columns import CHOICES, COLUMN_OF_FIELD, COLUMNS, EXAMPLE_ORG_CODE, HEADERS, Problem, label_map, zh_label
from .parsing import cell_date, cell_integer, cell_text

if TYPE_CHECKING:
    from accounts.models import User
    from coverage.ledgers.services import Owner

BATCH = 500
# Foreign keys the import resolves by name from rows loaded once; the
# model's own existence check would cost a query per row.
RESOLVED = ("area", "supervising_unit")


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


def model_problem(number: int, name: str, error: ValidationError) -> Problem:
    """One of the model's errors as a problem in the column of its field."""
    column = COLUMN_OF_FIELD[name].header if name in COLUMN_OF_FIELD else ""
    if error.code in ("blank", "null"):
        # The model's rule, in the words of a spreadsheet.
        return Problem(number, column, "required", _("This cell is required."))
    prefix = "row" if name == NON_FIELD_ERRORS else name
    return Problem(number, column, f"{prefix}_{error.code or 'invalid'}", " ".join(error))


class RowChecker:
    def __init__(self, actor: User, target: Owner):
        self.actor = actor
        self.target = target
        self.today = clock.today()
        self.areas: dict[str, list[Area]] = {}
        for area in Area.objects.registration_areas():
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
        self.labels = {name: label_map(choices) for name, choices in CHOICES.items()}

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
        names = [cell_text(h).lstrip("\ufeff") for h in header]
        index: dict[str, int] = {}
        for position, name in enumerate(names):
            if not name:
                continue
            if name in index:
                result.problems.append(
                    Problem(1, name, "duplicate_column", _("The column “%(column)s” appears twice.") % {"column": name})
                )
            elif name not in HEADERS:
                message = _("“%(column)s” is not a column of the ledger template.") % {"column": name}
                result.problems.append(Problem(1, name, "unknown_column", message))
            index.setdefault(name, position)
        for column in COLUMNS:
            if column.header not in index:
                message = _("The column “%(column)s” is missing; use the ledger template.") % {"column": column.header}
                result.problems.append(Problem(1, column.header, "missing_column", message))
        return index

    def _row(self, number: int, cells: dict[str, Any], seen: dict[str, int]) -> tuple[dict[str, Any], list[Problem]]:
        # At most one problem a cell: the first thing wrong with it.
        problems: dict[str, Problem] = {}

        def problem(name: str, code: str, message: str) -> None:
            problems.setdefault(name, Problem(number, COLUMN_OF_FIELD[name].header, code, message))

        fields = self._read(cells, problem)
        for name, errors in self._model_errors(fields, skip=set(problems)).items():
            problems.setdefault(name, model_problem(number, name, errors[0]))
        code = fields["credit_code"]
        if "credit_code" not in problems:
            if code[8:17] == EXAMPLE_ORG_CODE:
                problem("credit_code", "example_row", _("This is the template's example row; delete it."))
            elif code in seen:
                message = _("This credit code already appears in row %(row)s.") % {"row": seen[code]}
                problem("credit_code", "duplicate", message)
            else:
                seen[code] = number
        return fields, list(problems.values())

    def _read(self, cells: dict[str, Any], problem) -> dict[str, Any]:
        """The row's cells as model field values; a cell that cannot be read is a problem and None."""
        fields: dict[str, Any] = {}
        for column in COLUMNS:
            name = column.field
            model_field = SocialOrganization._meta.get_field(name)
            raw = cells[name]
            text = cell_text(raw)
            if model_field.is_relation:
                continue
            if name in CHOICES:
                fields[name] = self.labels[name].get(text) if text else (column.default or "")
                if fields[name] is None:
                    allowed = "、".join(zh_label(CHOICES[name], v) for v in CHOICES[name].values)
                    message = _("“%(value)s” is not one of: %(allowed)s.") % {"value": text, "allowed": allowed}
                    problem(name, f"unknown_{name}", message)
            elif isinstance(model_field, models.IntegerField):
                fields[name] = cell_integer(raw) if text else None
                if text and fields[name] is None:
                    problem(name, "not_integer", _("Give a whole number."))
            elif isinstance(model_field, models.DateField):
                fields[name] = cell_date(raw) if text else None
                if text and fields[name] is None:
                    problem(name, "bad_date", _("Not a date; write it as 2020-12-31."))
            else:
                # Spaces are what copy-and-paste adds to a code (as SocialOrganizationForm strips them).
                fields[name] = text.replace(" ", "") if name == "credit_code" else text
        # A ledger reports a half-year that has ended: a deregistration it
        # records has happened. (The model allows a future date for a form.)
        if fields["deregistered_on"] and fields["deregistered_on"] > self.today:
            problem("deregistered_on", "future_date", _("This date lies in the future."))
        fields["area_id"] = self._area(cell_text(cells["area"]), problem)
        fields["supervising_unit_id"] = self._unit(cell_text(cells["supervising_unit"]), problem)
        return fields

    def _area(self, name: str, problem) -> int | None:
        if not name:
            return None
        matches = self.areas.get(name, [])
        if len(matches) != 1:
            problem("area", "unknown_area", _("There is no registration area named “%(name)s”.") % {"name": name})
            return None
        if matches[0].pk not in self.allowed_area_ids:
            message = _("%(name)s lies outside the area of this import (%(target)s).")
            problem("area", "area_scope", message % {"name": name, "target": self.target.label})
            return None
        return matches[0].pk

    def _unit(self, name: str, problem) -> int | None:
        if not name:
            if self.target.supervising_unit is not None:
                message = _("Give the supervising unit: this import is for %(target)s.")
                problem("supervising_unit", "unit_scope", message % {"target": self.target.label})
            return None
        unit = self.units.get(name)
        if unit is None:
            message = _("There is no supervising unit named “%(name)s”.")
            problem("supervising_unit", "unknown_unit", message % {"name": name})
            return None
        if unit.pk not in self.allowed_unit_ids:
            message = _("%(name)s lies outside the supervising unit of this import (%(target)s).")
            problem("supervising_unit", "unit_scope", message % {"name": name, "target": self.target.label})
            return None
        return unit.pk

    @staticmethod
    def _model_errors(fields: dict[str, Any], *, skip: set[str]) -> dict[str, list[ValidationError]]:
        """The model's validation of the row (full_clean()'s field and clean()
        steps), fields already found wrong left out.

        As in a form, a field the model refuses is blank for clean()'s
        cross-field rules, so a negative head count is one problem, not also
        "more members than staff". A resolved area or unit is known to exist;
        an empty one is left to the model, which refuses a missing required
        one without a query. Uniqueness is checked set-based against the
        records (_against_records); the table constraints are what clean() states per field.
        """
        organization = SocialOrganization(**fields)
        errors: dict[str, list[ValidationError]] = {}
        exclude = skip | {name for name in RESOLVED if fields[f"{name}_id"] is not None}
        try:
            organization.clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors.update(exc.error_dict)
            for name in exc.error_dict:
                setattr(organization, SocialOrganization._meta.get_field(name).attname, None)
        try:
            organization.clean()
        except ValidationError as exc:
            for name, found in exc.update_error_dict({}).items():
                errors.setdefault(name, found)
        return {name: found for name, found in errors.items() if name not in skip}

    def _against_records(self, parsed: list[tuple[int, dict[str, Any]]], result: CheckResult) -> None:
        """Existing organisations by code: they must be the actor's to change."""
        codes = [fields["credit_code"] for _number, fields in parsed]
        existing_ids: dict[str, int] = {}
        for start in range(0, len(codes), BATCH):
            chunk = codes[start : start + BATCH]
            existing_ids.update(
                SocialOrganization.objects.filter(credit_code__in=chunk).values_list("credit_code", "pk")
            )
        visible = set()
        ids = list(existing_ids.values())
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            visible.update(
                SocialOrganization.objects.for_user(self.actor).filter(pk__in=chunk).values_list("pk", flat=True)
            )
        header = COLUMN_OF_FIELD["credit_code"].header
        for number, fields in parsed:
            pk = existing_ids.get(fields["credit_code"])
            if pk is not None and pk not in visible:
                message = _("An organisation with this credit code is registered outside your area of responsibility.")
                result.problems.append(Problem(number, header, "org_scope", message))
                continue
            for warning in code_warnings(fields["credit_code"], fields["category"]):
                result.warnings.append(Problem(number, header, "code_warning", warning))
            result.rows.append((number, fields))
        result.problems.sort(key=lambda p: (p.row, HEADERS.index(p.column) if p.column in HEADERS else -1))
