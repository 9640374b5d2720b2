"""Each snapshot's counts of the changes since the previous half-year,
written in the recount's own transaction.

Counted per request, the change page evaluated the recount's definitions on
both days for every organisation the half-year touched: at a million
organisations that is hundreds of thousands of rows and seconds per page
(bench/pages.py). The counts of a half-year belong with its snapshots
(P's figure + gained − lost = H's figure), so the recount's signal has them
counted once, grouped by area and supervising unit at the finest grain and
rolled up into every scope exactly as the snapshots are
(coverage.recount.compute.ScopeMap), and the page reads its scope's row.
A row frozen by an accepted ledger keeps its counts with its figures.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, F

from coverage.models import Snapshot
from coverage.recount.compute import ScopeMap
from coverage.recount.selectors import own_snapshot_filter
from organizations.models import InstructorAssignment, PartyOrganization, SocialOrganization

from .selectors import (
    ChangeWindow,
    Kind,
    _facts,
    _instructor_conditions,
    _organization_conditions,
    _party_conditions,
    _touched,
    change_window,
)

if TYPE_CHECKING:
    from accounts.models import User
    from coverage.models import Period
    from organizations.models import Area, SupervisingUnit

Cell = tuple[int, "int | None"]  # (area_id, supervising_unit_id)


class _Truth:
    """A fact of one group of organisations, combined with & and ~ as the
    kinds' Q conditions are, so that the kinds are defined once
    (selectors._organization_conditions) for SQL and for these groups."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = bool(value)

    def __and__(self, other: _Truth) -> _Truth:
        return _Truth(self.value and other.value)

    def __or__(self, other: _Truth) -> _Truth:
        return _Truth(self.value or other.value)

    def __invert__(self) -> _Truth:
        return _Truth(not self.value)


def _organization_cells(window: ChangeWindow) -> Iterable[tuple[Cell, Counter]]:
    """The touched organisations grouped by area, unit and their facts: each
    fact is evaluated once per organisation in an inner query (fenced with
    OFFSET 0 on PostgreSQL, which would otherwise pull the EXISTS up into
    the grouping and evaluate them again), and the kinds are read off each
    group's facts here: a few thousand groups at a million organisations."""
    facts = _facts(window)
    columns = {name: ExpressionWrapper(condition, BooleanField()) for name, condition in facts.items()}
    keys = ("area_id", "supervising_unit_id")
    inner = SocialOrganization.objects.filter(_touched(window)).annotate(**columns).order_by().values(*keys, *columns)
    sql, params = inner.query.sql_with_params()
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    names = ", ".join([*keys, *columns])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names}, COUNT(*) FROM ({sql}{fence}) AS facts GROUP BY {names}", params)
        for row in cursor.fetchall():
            area_id, unit_id, *values, count = row
            kinds = _organization_conditions(window, {name: _Truth(v) for name, v in zip(columns, values, strict=True)})
            yield (area_id, unit_id), Counter({kind.value: count for kind, truth in kinds.items() if truth.value})


def _grouped(queryset, conditions: dict[Kind, Any], **keys) -> Iterable[tuple[Cell, Counter]]:
    either = None
    for condition in conditions.values():
        either = condition if either is None else either | condition
    rows = (
        queryset.filter(either)
        .order_by()
        .values(**keys)
        .annotate(**{kind.value: Count("pk", filter=condition) for kind, condition in conditions.items()})
    )
    for row in rows:
        yield (row["cell_area"], row["cell_unit"]), Counter({kind.value: row[kind.value] for kind in conditions})


def change_cells(window: ChangeWindow) -> Iterable[tuple[Cell, Counter]]:
    """Every kind's count per (area, supervising unit) cell, in three queries."""
    yield from _organization_cells(window)
    yield from _grouped(
        PartyOrganization.objects.all(),
        _party_conditions(window),
        cell_area=F("area_id"),
        cell_unit=F("supervising_unit_id"),
    )
    yield from _grouped(
        InstructorAssignment.objects.all(),
        _instructor_conditions(window),
        cell_area=F("organization__area_id"),
        cell_unit=F("organization__supervising_unit_id"),
    )


def scope_change_counts(window: ChangeWindow) -> dict[tuple[str, str], dict[str, int]]:
    """Every kind's count in every scope a snapshot has (category apart)."""
    scopes = ScopeMap()
    totals: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for (area_id, unit_id), counts in change_cells(window):
        for key in scopes.keys(area_id, unit_id):
            totals[key].update(counts)
    return {key: {kind.value: counts[kind.value] for kind in Kind} for key, counts in totals.items()}


def snapshot_changes_store(*, period: Period) -> int:
    """Write the counts onto the half-year's snapshots that are not frozen;
    returns how many rows were written. Called inside the recount's
    transaction (its signal), so readers see the counts and the figures change together."""
    totals = scope_change_counts(change_window(period))
    zero = {kind.value: 0 for kind in Kind}
    rows = list(
        Snapshot.objects.filter(period=period, frozen=False)
        .exclude(scope=Snapshot.Scope.CATEGORY)
        .only("pk", "scope", "scope_key")
    )
    for row in rows:
        row.changes = totals.get((row.scope, row.scope_key), zero)
    Snapshot.objects.bulk_update(rows, ["changes"], batch_size=500)
    return len(rows)


def on_recount_written(sender, *, period: Period, **kwargs) -> None:  # noqa: ARG001 (signal signature)
    snapshot_changes_store(period=period)


def _stored_scope(user: User, *, area: Area | None, unit: SupervisingUnit | None) -> dict | None:
    """The filter for the one snapshot whose scope is exactly the page's (the
    user's own scope narrowed to `area` or `unit`, both already checked
    against the user's scope by the page's form); None where no snapshot
    has that scope (an area within an industry committee's units, an area and
    a unit together), which the page then counts from the records."""
    own = own_snapshot_filter(user)
    if area is None and unit is None:
        return own
    if area is not None and unit is None and own.get("scope") in (Snapshot.Scope.CITY, Snapshot.Scope.AREA):
        return {"scope": Snapshot.Scope.AREA, "area_id": area.pk}
    if (
        unit is not None
        and area is None
        and (own.get("scope") == Snapshot.Scope.CITY or own.get("supervising_unit_id") == unit.pk)
    ):
        return {"scope": Snapshot.Scope.SUPERVISING_UNIT, "supervising_unit_id": unit.pk}
    return None


def stored_change_counts(
    user: User, window: ChangeWindow, *, area: Area | None = None, unit: SupervisingUnit | None = None
) -> tuple[dict[Kind, int], dt.datetime] | None:
    """The counts the recount stored for the page's scope and half-year, and
    when it counted them, in one query; None if it has none stored."""
    scope = _stored_scope(user, area=area, unit=unit)
    if scope is None:
        return None
    half = window.half_year
    row = (
        Snapshot.objects.for_user(user)
        .filter(period__year=half.year, period__half=half.half, **scope)
        .values_list("changes", "computed_at")
        .first()
    )
    if row is None or not row[0] or set(row[0]) != set(Kind.values):
        return None
    return {kind: row[0][kind.value] for kind in Kind}, row[1]
