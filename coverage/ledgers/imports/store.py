"""A file's check as stored: written batch by batch while the check runs
(by COPY on PostgreSQL: 100,000 rows of JSON through bulk_create cost more
than checking them), read a page at a time by the preview and a chunk at a
time by the import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from coverage.models import LedgerImport, LedgerImportProblem, LedgerImportRow
from organizations import bulk

from .checking import Batch, CheckResult
from .columns import POLITICAL_DATES
from .problems import Problem

WRITE_BATCH = 2000
READ_CHUNK = 5000
DATE_FIELDS = ("registered_on", "deregistered_on", *POLITICAL_DATES)
Severity = LedgerImportProblem.Severity
Kind = LedgerImportRow.Kind


def json_values(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value.isoformat() if isinstance(value, dt.date) else value for name, value in fields.items()}


def model_values(values: dict[str, Any]) -> dict[str, Any]:
    fields = dict(values)
    for name in DATE_FIELDS:
        if fields.get(name):
            fields[name] = dt.date.fromisoformat(fields[name])
    return fields


class CheckWriter:
    """Appends a check's rows and problems to an import, numbering problems in order."""

    def __init__(self, ledger_import: LedgerImport):
        self.ledger_import = ledger_import
        self.counts = {Severity.ERROR: 0, Severity.WARNING: 0}

    def clear(self) -> None:
        """Forget what an earlier, interrupted run of the check wrote."""
        LedgerImportRow.objects.filter(ledger_import=self.ledger_import).delete()
        LedgerImportProblem.objects.filter(ledger_import=self.ledger_import).delete()
        self.counts = {Severity.ERROR: 0, Severity.WARNING: 0}

    def batch(self, batch: Batch) -> None:
        """A checked batch: its problems and warnings, then its rows, valid or
        not (a row with problems points at its first one)."""
        start = self.counts[Severity.ERROR]
        first: dict[int, int] = {}
        for offset, problem in enumerate(batch.problems):
            first.setdefault(problem.row, start + offset)
        self.problems(batch.problems)
        self.problems(batch.warnings, Severity.WARNING)
        rows = [
            (number, fields["credit_code"], json_values(fields), *batch.plans.get(number, ("", None)), None)
            for number, fields in batch.rows
        ]
        rows += [
            (number, code, {"name": name}, Kind.ERROR, None, first.get(number)) for number, code, name in batch.invalid
        ]
        self._rows(rows)

    def _rows(self, rows: list[tuple]) -> None:
        pk = self.ledger_import.pk
        copied = bulk.copy_rows(
            LedgerImportRow,
            ("ledger_import_id", "number", "credit_code", "values", "kind", "organization_id", "first_problem"),
            ((pk, *row) for row in rows),
        )
        if copied:
            return
        LedgerImportRow.objects.bulk_create(
            (
                LedgerImportRow(
                    ledger_import=self.ledger_import,
                    number=number,
                    credit_code=code,
                    values=values,
                    kind=kind,
                    organization_id=organization,
                    first_problem=first,
                )
                for number, code, values, kind, organization, first in rows
            ),
            batch_size=WRITE_BATCH,
        )

    def problems(self, problems: list[Problem], severity: str = Severity.ERROR) -> None:
        start = self.counts[severity]
        self.counts[severity] += len(problems)
        pk = self.ledger_import.pk
        copied = bulk.copy_rows(
            LedgerImportProblem,
            ("ledger_import_id", "severity", "position", "row", "column", "code", "params"),
            (
                (pk, severity, start + offset, p.row, p.column[:255], p.code, p.params)
                for offset, p in enumerate(problems)
            ),
        )
        if copied:
            return
        LedgerImportProblem.objects.bulk_create(
            (
                LedgerImportProblem(
                    ledger_import=self.ledger_import,
                    severity=severity,
                    position=start + offset,
                    row=problem.row,
                    column=problem.column[:255],
                    code=problem.code,
                    params=problem.params,
                )
                for offset, problem in enumerate(problems)
            ),
            batch_size=WRITE_BATCH,
        )


def _problem(stored: tuple[int, str, str, dict[str, Any]]) -> Problem:
    row, column, code, params = stored
    return Problem(row, column, code, params)


class StoredProblems:
    """A table's rows: an import's problems of one severity, any page in one
    range query on (import, severity, position), the count from the import."""

    def __init__(self, ledger_import: LedgerImport, severity: str, count: int):
        self.ledger_import = ledger_import
        self.severity = severity
        self.count = count

    def _range(self, start: int, stop: int) -> list[Problem]:
        if stop <= start:
            return []
        rows = (
            LedgerImportProblem.objects.filter(
                ledger_import=self.ledger_import, severity=self.severity, position__gte=start, position__lt=stop
            )
            .order_by("position")
            .values_list("row", "column", "code", "params")
        )
        return [_problem(row) for row in rows]

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(self.count)
            found = self._range(start, stop)
            return found if step == 1 else found[::step]
        if key < 0:
            key += self.count
        found = self._range(key, key + 1)
        if not found:
            raise IndexError(key)
        return found[0]

    def __iter__(self) -> Iterator[Problem]:
        for start in range(0, self.count, READ_CHUNK):
            yield from self._range(start, start + READ_CHUNK)


def stored_result(ledger_import: LedgerImport) -> CheckResult:
    """The whole stored check in memory (a test, a small file): as a fresh check would return it."""
    problems = list(StoredProblems(ledger_import, Severity.ERROR, ledger_import.error_count))
    warnings = list(StoredProblems(ledger_import, Severity.WARNING, ledger_import.warning_count))
    refused = problems[0] if problems and problems[0].row == 0 else None
    return CheckResult(
        row_count=ledger_import.row_count,
        problems=[] if refused else problems,
        warnings=warnings,
        refused=refused,
        rows=list(stored_rows(ledger_import)),
    )


def stored_rows(ledger_import: LedgerImport) -> Iterator[tuple[int, dict[str, Any]]]:
    """The valid rows, as the check returned them."""
    rows = LedgerImportRow.objects.filter(ledger_import=ledger_import).exclude(kind=Kind.ERROR).order_by("number")
    for number, values in rows.values_list("number", "values").iterator(chunk_size=READ_CHUNK):
        yield number, model_values(values)
