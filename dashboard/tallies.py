"""Keeping the tallies true (dashboard/models.py says what they hold).

Three ways in, all inside the writer's transaction:

- `track()` then `settle()` around a write: the figures of the records the
  write may change are read before and after it (one grouped query each,
  on an indexed key: the record itself, or an organisation's records when it
  moves), and the difference is added to the scope rows in one upsert.
  dashboard/signals.py does this for every save and delete of a counted
  record, whoever makes it (a service, the admin, a factory, a shell).
- `refresh_owners()` for the figures that count owners, not records: it
  compares each owner's Membership rows with what its records say now and
  adds or removes the difference, so calling it twice changes nothing.
- `rebuild()` recomputes whole tallies from the records: the early-warning
  scan (which writes in bulk) rebuilds the warnings, the seeds and the
  recount job rebuild everything, and so does a nightly job, the safety net.

Writers of one tally take one transaction-level lock first (PostgreSQL; SQLite
serialises writers on its own), so that the figures read before a write are
not moved by another transaction before the difference lands: exact under
concurrency at the cost of serialising writes that would in any case queue on
the city row.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q

from engagement.models import PilotAssignment
from organizations.models import Area

from .families import (
    COMMUNITY_UNITS,
    CONTRIBUTIONS,
    FAMILIES,
    PILOT_ORGANIZATIONS,
    PLAQUES,
    TALLIES,
    TRAINING_BASES,
    Family,
)
from .models import Membership, Scope, Tally, WarningTally

# Any constant will do as long as nothing else in the database uses it.
LOCK_NAMESPACE = 0x54_41_4C_59  # "TALY"
BATCH = 1000


@dataclass(frozen=True)
class ScopeKey:
    scope: str
    key: str
    area_id: int | None = None
    unit_id: int | None = None

    @classmethod
    def parse(cls, key: str) -> ScopeKey:
        if key == "city":
            return cls(Scope.CITY, key)
        parts = dict(part.split(":") for part in key.split("/"))
        area = int(parts["area"]) if "area" in parts else None
        unit = parts.get("unit")
        unit_id = None if unit in (None, "-") else int(unit)
        if area is not None and "unit" in parts:
            return cls(Scope.AREA_UNIT, key, area, unit_id)
        if area is not None:
            return cls(Scope.AREA, key, area)
        return cls(Scope.UNIT, key, None, unit_id)


def scope_keys(family: Family, area_id: int | None, unit_id: int | None) -> list[ScopeKey]:
    """The rows a record with this area and unit counts in."""
    unit = f"unit:{'-' if unit_id is None else unit_id}"
    keys = []
    for scope in family.scopes:
        if scope == Scope.CITY:
            keys.append(ScopeKey(scope, "city"))
        elif scope == Scope.UNIT:
            keys.append(ScopeKey(scope, unit, None, unit_id))
        elif area_id is None:
            continue  # no area, no area row (the constraint would refuse it)
        elif scope == Scope.AREA:
            keys.append(ScopeKey(scope, f"area:{area_id}", area_id))
        else:
            keys.append(ScopeKey(scope, f"area:{area_id}/{unit}", area_id, unit_id))
    return keys


# (scope row, bucket values) -> {column: value}
Cells = dict[tuple[ScopeKey, tuple], dict[str, Any]]


def _grouped(family: Family, where: Q) -> list[dict[str, Any]]:
    """The family's records matching `where`, grouped by area, unit and bucket
    (and owner): one statement, its cost that of the rows `where` selects.
    `t_area` is the registration area of the record's area."""
    dims: dict[str, Any] = {}
    if family.area:
        dims |= {
            "t_area": F(f"{family.area}_id"),
            "t_path": F(f"{family.area}__path"),
            "t_level": F(f"{family.area}__level"),
        }
    if family.unit:
        dims["t_unit"] = F(family.unit)
    if family.owner:
        dims["t_owner"] = F(family.owner)
    dims |= {f"b_{name}": F(value) if isinstance(value, str) else value for name, value in family.buckets.items()}
    rows = family.records().filter(where).order_by().values(**dims)
    if family.counts_owners:
        rows = rows.distinct()
    else:
        rows = rows.annotate(**{f"m_{name}": aggregate for name, aggregate in family.measures.items()})
    rows = list(rows)
    if family.area and any(row["t_level"] not in Area.REGISTRATION_LEVELS for row in rows):
        # A community or sub-district: its row is its district's (the
        # deepest registration area whose path starts its path).
        registration = sorted(
            Area.objects.filter(level__in=Area.REGISTRATION_LEVELS).values_list("path", "pk"),
            key=lambda item: -len(item[0]),
        )
        for row in rows:
            if row["t_level"] not in Area.REGISTRATION_LEVELS:
                row["t_area"] = next((pk for path, pk in registration if row["t_path"].startswith(path)), None)
    return rows


def measure(family: Family, where: Q) -> Cells:
    """An additive family's figures over the records matching `where`, per scope row and bucket."""
    cells: Cells = {}
    for row in _grouped(family, where):
        bucket = tuple(row[f"b_{name}"] for name in family.buckets)
        for key in scope_keys(family, row.get("t_area"), row.get("t_unit")):
            cell = cells.setdefault((key, bucket), dict.fromkeys(family.measures, 0))
            for name in family.measures:
                cell[name] += row[f"m_{name}"]
    return cells


def memberships(family: Family, owners: Iterable[int] | None) -> dict[int, set[ScopeKey]]:
    """The scope rows each owner counts once in, from its records (all owners for None)."""
    where = Q() if owners is None else Q(**{f"{family.owner}__in": list(owners)})
    found: dict[int, set[ScopeKey]] = defaultdict(set)
    for row in _grouped(family, where):
        found[row["t_owner"]].update(scope_keys(family, row.get("t_area"), row.get("t_unit")))
    return found


# --------------------------------------------------------------------------
# Writing rows
# --------------------------------------------------------------------------


def _lock(tally: type[Tally]) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [LOCK_NAMESPACE, zlib.crc32(tally._meta.db_table.encode()) & 0x7FFFFFFF],
            )


def _columns(tally: type[Tally]) -> tuple[list[str], list[str]]:
    """(bucket columns, figure columns) of a tally model."""
    scope_columns = {"id", "scope", "scope_key", "area_id", "supervising_unit_id"}
    buckets, figures = [], []
    for model_field in tally._meta.concrete_fields:
        column = model_field.column
        if column in scope_columns:
            continue
        (figures if model_field.has_default() else buckets).append(column)
    return buckets, figures


def add(tally: type[Tally], cells: Cells) -> None:
    """Add each cell's values to its row, creating the row if need be: one
    INSERT … ON CONFLICT DO UPDATE per batch (PostgreSQL and SQLite alike)."""
    cells = {key: values for key, values in cells.items() if any(values.values())}
    if not cells:
        return
    buckets, figures = _columns(tally)
    quote = connection.ops.quote_name
    table = quote(tally._meta.db_table)
    columns = ["scope", "scope_key", "area_id", "supervising_unit_id", *buckets, *figures]
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in figures)
    conflict = ", ".join(quote(c) for c in ["scope_key", *buckets])
    items = list(cells.items())
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        params: list[Any] = []
        for (key, bucket), values in batch:
            params += [key.scope, key.key, key.area_id, key.unit_id, *bucket]
            params += [values.get(column, 0) for column in figures]
        sql = (
            f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) VALUES "
            f"{', '.join([row_sql] * len(batch))} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _difference(after: Cells, before: Cells) -> Cells:
    changed: Cells = {}
    for key in after.keys() | before.keys():
        new, old = after.get(key, {}), before.get(key, {})
        changed[key] = {name: new.get(name, 0) - old.get(name, 0) for name in new.keys() | old.keys()}
    return changed


# --------------------------------------------------------------------------
# Around a write
# --------------------------------------------------------------------------


@dataclass
class Capture:
    """An additive family's figures over some records, read before a write."""

    family: Family
    where: Q | None
    before: Cells = field(default_factory=dict)


def track(family: Family, where: Q | None) -> Capture:
    """Lock the family's tally and read the figures `where` selects (None: records
    that do not exist yet, which count for nothing before the write)."""
    _lock(family.tally)
    return Capture(family, where, measure(family, where) if where is not None else {})


def settle(capture: Capture, where: Q | None = None) -> None:
    """Add what the write changed: the same records' figures now, minus before.
    `where` names them when they did not exist before (a created record's pk)."""
    where = where if where is not None else capture.where
    if where is None:
        return
    add(capture.family.tally, _difference(measure(capture.family, where), capture.before))


def refresh_owners(family: Family, owners: Iterable[int | None]) -> None:
    """Make the owners' Membership rows and their +1s what their records say now."""
    owners = {owner for owner in owners if owner is not None}
    if not owners:
        return
    _lock(family.tally)
    should = memberships(family, owners)
    have: dict[int, dict[str, int]] = defaultdict(dict)
    for pk, owner, key in Membership.objects.filter(figure=family.name, owner_id__in=owners).values_list(
        "pk", "owner_id", "scope_key"
    ):
        have[owner][key] = pk
    cells: Cells = {}
    added, removed = [], []
    for owner in owners:
        wanted = {key.key: key for key in should.get(owner, ())}
        for key in wanted.keys() - have[owner].keys():
            added.append(Membership(figure=family.name, owner_id=owner, scope_key=key))
            cells.setdefault((wanted[key], ()), {family.counts: 0})[family.counts] += 1
        for key in have[owner].keys() - wanted.keys():
            removed.append(have[owner][key])
            cells.setdefault((ScopeKey.parse(key), ()), {family.counts: 0})[family.counts] -= 1
    if added:
        Membership.objects.bulk_create(added)
    if removed:
        Membership.objects.filter(pk__in=removed).delete()
    add(family.tally, cells)


class OrganizationsMoving:
    """Around a write that may move organisations to another area or unit:
    their contributions, plaques, hosted training bases and pilot figures
    follow them. Read before the write; `done()` after it, in the same
    transaction. The ledger import calls it around its bulk update, which
    sends no signals; signals.py around a single organisation's save."""

    # An organisation's own records, found by its key.
    RECORDS = (
        (CONTRIBUTIONS, "organization_id"),
        (PLAQUES, "organization_id"),
        (TRAINING_BASES, "host_organization_id"),
    )

    def __init__(self, organization_ids: Iterable[int]) -> None:
        self.ids = list(organization_ids)
        self.captures = [track(family, Q(**{f"{key}__in": self.ids})) for family, key in self.RECORDS]

    def done(self) -> None:
        for capture in self.captures:
            settle(capture)
        refresh_owners(PILOT_ORGANIZATIONS, self.ids)
        served = PilotAssignment.objects.filter(organization_id__in=self.ids).values_list("community_id", flat=True)
        refresh_owners(COMMUNITY_UNITS, list(served))


def organizations_moving(organization_ids: Iterable[int]) -> OrganizationsMoving:
    return OrganizationsMoving(organization_ids)


# --------------------------------------------------------------------------
# From the records: rebuild and check
# --------------------------------------------------------------------------


def _expected(tally: type[Tally]) -> tuple[Cells, dict[str, dict[int, set[str]]]]:
    """Every row of a tally as the records say now, and the Membership rows behind it."""
    cells: Cells = {}
    members: dict[str, dict[int, set[str]]] = {}
    for family in FAMILIES:
        if family.tally is not tally:
            continue
        if family.counts_owners:
            found = memberships(family, None)
            members[family.name] = {owner: {key.key for key in keys} for owner, keys in found.items()}
            for keys in found.values():
                for key in keys:
                    cells.setdefault((key, ()), {}).setdefault(family.counts, 0)
                    cells[(key, ())][family.counts] += 1
            continue
        for cell_key, values in measure(family, Q()).items():
            cell = cells.setdefault(cell_key, {})
            for name, value in values.items():
                cell[name] = cell.get(name, 0) + value
    return cells, members


@transaction.atomic
def rebuild(*tallies: type[Tally]) -> int:
    """Replace the tallies (all of them by default) with what the records say
    now; returns the number of rows written."""
    written = 0
    for tally in tallies or TALLIES:
        _lock(tally)
        cells, members = _expected(tally)
        tally.objects.all().delete()
        for name, owners in members.items():
            Membership.objects.filter(figure=name).delete()
            Membership.objects.bulk_create(
                (
                    Membership(figure=name, owner_id=owner, scope_key=key)
                    for owner, keys in owners.items()
                    for key in keys
                ),
                batch_size=BATCH,
            )
        add(tally, cells)
        written += sum(1 for values in cells.values() if any(values.values()))
    return written


def _stored(tally: type[Tally]) -> dict[tuple[str, tuple], dict[str, Any]]:
    buckets, figures = _columns(tally)
    stored = {}
    for row in tally.objects.values("scope_key", *buckets, *figures):
        values = {name: row[name] for name in figures if row[name]}
        if values:
            stored[(row["scope_key"], tuple(row[name] for name in buckets))] = values
    return stored


def differences(*tallies: type[Tally]) -> list[str]:
    """Where the stored tallies differ from the records (empty when they agree)."""
    found = []
    for tally in tallies or TALLIES:
        cells, members = _expected(tally)
        expected = {
            (key.key, bucket): {name: value for name, value in values.items() if value}
            for (key, bucket), values in cells.items()
            if any(values.values())
        }
        stored = _stored(tally)
        for cell in sorted(expected.keys() | stored.keys(), key=str):
            if expected.get(cell, {}) != stored.get(cell, {}):
                name = tally.__name__
                found.append(f"{name} {cell}: stored {stored.get(cell, {})}, records say {expected.get(cell, {})}")
        for figure, owners in members.items():
            have: dict[int, set[str]] = defaultdict(set)
            for owner, key in Membership.objects.filter(figure=figure).values_list("owner_id", "scope_key"):
                have[owner].add(key)
            if dict(have) != {owner: keys for owner, keys in owners.items() if keys}:
                found.append(f"Membership {figure}: stored rows differ from the records")
    return found


def rebuild_warnings() -> int:
    """The early-warning scan opens and clears warnings in bulk (no signals):
    it rebuilds their tally at its end, in its own transaction."""
    return rebuild(WarningTally)
