"""What an import will do (and, after it, what it did), row by row.

The counts by kind are the import's stored counts: no query counts the rows.
A page of rows is one range query in row order (by kind, on the index
(import, kind, number)); what would change is worked out for the page's
rows only, against the records as they are now, in one query for the
page's records, one for the names of their areas (registration areas and
sub-districts or communities) and one for their units, and one for the
page's problems.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import formats
from django.utils.text import capfirst

from coverage.models import LedgerImport, LedgerImportProblem, LedgerImportRow
from organizations.models import Area, SocialOrganization, SupervisingUnit
from ui.pagination import CappedPaginator

from .columns import (
    CHOICES,
    COLUMN_OF_FIELD,
    COLUMNS,
    POLITICAL_FIELDS,
    POLITICAL_LOOKUPS,
    WRITTEN_FIELDS,
    political_now,
)
from .problems import Problem
from .store import model_values

Kind = LedgerImportRow.Kind
KINDS = (Kind.CREATE, Kind.UPDATE, Kind.UNCHANGED, Kind.ERROR)
# At most one problem a cell (checking.RowChecker._row): a row's problems
# lie within this many positions of its first.
MAX_ROW_PROBLEMS = len(COLUMNS)
RELATED = {"area_id": Area, "location_id": Area, "supervising_unit_id": SupervisingUnit}


def kind_counts(record: LedgerImport) -> dict[str, int]:
    """Rows by kind, from the import's stored counts (the rows with problems: the rest)."""
    counts = {
        Kind.CREATE: record.created_count,
        Kind.UPDATE: record.updated_count,
        Kind.UNCHANGED: record.unchanged_count,
    }
    counts[Kind.ERROR] = max(record.row_count - sum(counts.values()), 0)
    return counts


def preview_rows(record: LedgerImport, kind: str | None) -> QuerySet:
    rows = LedgerImportRow.objects.filter(ledger_import=record)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("number").only(
        "pk", "number", "credit_code", "values", "kind", "organization_id", "first_problem"
    )


class KnownCountPaginator(CappedPaginator):
    """The project's paginator over rows whose number is already known (the
    stored counts): it pages through every row and never counts them."""

    def __init__(self, object_list, per_page, *, known: int, **kwargs):
        super().__init__(object_list, per_page, cap=known, **kwargs)
        self.known = known

    @property
    def counted(self) -> int:
        return self.known


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class PreviewRow:
    number: int
    kind: str
    credit_code: str
    name: str
    organization_id: int | None
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label if self.kind else "—"


def _label(name: str) -> str:
    name = name.removesuffix("_id")
    model = COLUMN_OF_FIELD[name].model if name in COLUMN_OF_FIELD else SocialOrganization
    model_field = model._meta.get_field(name)
    return str(capfirst(model_field.verbose_name))


def _shown(name: str, value: Any, names: dict[tuple[str, int], str]) -> str:
    """A value as the organisation's page shows it: a choice by its label, a
    date as a date, an area or unit by its name."""
    if value in (None, ""):
        return "—"
    if name in RELATED:
        return names.get((name, value), str(value))
    if name in CHOICES:
        return str(CHOICES[name](value).label)
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def page_rows(record: LedgerImport, rows: list[LedgerImportRow], *, diff: bool) -> list[PreviewRow]:
    """The page's rows; with `diff`, what an update would change on its record now."""
    current: dict[int, dict[str, Any]] = {}
    files: dict[int, dict[str, Any]] = {}
    if diff:
        for row in rows:
            if row.kind == Kind.UPDATE:
                files[row.pk] = model_values(row.values)
        keys = [row.organization_id for row in rows if row.pk in files and row.organization_id]
        if keys:
            # The indicators in the same query (a join to the organisation's political-building row).
            found = SocialOrganization.objects.filter(pk__in=keys).values_list(
                "pk", *WRITTEN_FIELDS, *POLITICAL_LOOKUPS
            )
            for pk, *values in found:
                current[pk] = dict(zip(WRITTEN_FIELDS, values[: len(WRITTEN_FIELDS)], strict=True))
                current[pk].update(political_now(values[len(WRITTEN_FIELDS) :]))
    names = _related_names([*current.values(), *files.values()])
    problems = _page_problems(record, [row for row in rows if row.kind == Kind.ERROR])
    shown = []
    for row in rows:
        item = PreviewRow(
            number=row.number,
            kind=row.kind,
            credit_code=row.credit_code,
            name=(row.values or {}).get("name") or "",
            organization_id=row.organization_id,
            problems=problems.get(row.number, []),
        )
        old = current.get(row.organization_id)
        if row.pk in files and old is not None:
            new = files[row.pk]
            item.changes = [
                Change(
                    name.removesuffix("_id"),
                    _label(name),
                    _shown(name, old[name], names),
                    _shown(name, new[name], names),
                )
                for name in (*WRITTEN_FIELDS, *POLITICAL_FIELDS)
                # A field the row lacks (its optional column left out of the file) stays as it is.
                if name in new and old[name] != new[name]
            ]
        shown.append(item)
    return shown


def _related_names(values: list[dict[str, Any]]) -> dict[tuple[str, int], str]:
    """The names of the page's areas (registration areas and places alike) and units: a query a model."""
    names: dict[tuple[str, int], str] = {}
    for model in dict.fromkeys(RELATED.values()):
        fields = [name for name, related in RELATED.items() if related is model]
        keys = {v[name] for v in values for name in fields if v.get(name)}
        if keys:
            for pk, label in model.objects.filter(pk__in=keys).values_list("pk", "name"):
                names.update(((name, pk), label) for name in fields)
    return names


def _page_problems(record: LedgerImport, rows: list[LedgerImportRow]) -> dict[int, list[Problem]]:
    """The problems of the page's rows with problems, in one range lookup on
    (import, severity, position): a row's problems follow its first."""
    starts = [row.first_problem for row in rows if row.first_problem is not None]
    if not starts:
        return {}
    found = (
        LedgerImportProblem.objects.filter(
            ledger_import=record,
            severity=LedgerImportProblem.Severity.ERROR,
            position__gte=min(starts),
            position__lt=max(starts) + MAX_ROW_PROBLEMS,
            row__in=[row.number for row in rows],
        )
        .order_by("position")
        .values_list("row", "column", "code", "params")
    )
    by_row: dict[int, list[Problem]] = {}
    for number, column, code, params in found:
        by_row.setdefault(number, []).append(Problem(number, column, code, params))
    return by_row
