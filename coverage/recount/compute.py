"""The set-based recount: a handful of grouped queries at the finest grain
(area × supervising unit × category), rolled up in Python into every scope.

The grouped result has at most a few thousand rows whatever the number of
organisations, so memory stays flat and the database does one pass per
question instead of one per scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from coverage.models import Snapshot
from organizations.models import Area, InstructorAssignment, PartyOrganization, SocialOrganization, SupervisingUnit
from organizations.selectors import coverage_conditions, organization_active_on, party_organization_active_on
from political import indicators

CITY_DIRECT_SUFFIX = "-direct"
# The city's own registrations, beside its districts: one label wherever figures name them.
CITY_OWN_LABEL = "市本级"
# A district's row for its organisations whose sub-district is not recorded.
NO_SUBDISTRICT_KEY = "none"
NO_SUBDISTRICT_LABEL = "未填街道"


@dataclass
class Figures:
    organizations: int = 0
    org_covered: int = 0
    work_covered: int = 0
    must_establish: int = 0
    must_establish_not_established: int = 0
    formal_party_members: int = 0
    instructors: int = 0
    party_organizations: int = 0
    party_committees: int = 0
    party_general_branches: int = 0
    party_branches: int = 0
    party_standalone: int = 0
    party_joint: int = 0
    # Political building: organisations whose indicator held on the day.
    charter: int = 0
    cross_appointed: int = 0
    secretary_meetings: int = 0
    consultation: int = 0

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def rates(self) -> dict[str, Decimal]:
        def rate(n: int) -> Decimal:
            if not self.organizations:
                return Decimal("0")
            return (Decimal(n) / Decimal(self.organizations)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

        return {
            "org_coverage_rate": rate(self.org_covered),
            "work_coverage_rate": rate(self.work_covered),
            **{rate_name: rate(getattr(self, name)) for name, rate_name in indicators.RATES.items()},
        }


@dataclass
class ScopeRow:
    scope: str
    scope_key: str
    label: str
    area_id: int | None = None
    supervising_unit_id: int | None = None
    figures: Figures = field(default_factory=Figures)


ORG_COUNTS = ("org_covered", "work_covered", "must_establish", "must_establish_not_established")


def _org_counts(on: dt.date) -> dict[str, Count]:
    """The counts taken of the active organisations of a cell: coverage, and
    the political-building indicators through a LEFT JOIN to their one row
    each (a one-to-one: the join multiplies no organisation)."""
    conditions = {**coverage_conditions(on=on), **indicators.conditions(on)}
    return {name: Count("pk", filter=conditions[name]) for name in (*ORG_COUNTS, *indicators.INDICATORS)}


# The finest grain of the scopes: each cell adds to every scope it lies in.
CELL = ("area_id", "supervising_unit_id", "category")
# A district's sub-districts: where its organisations sit.
SUBDISTRICT_CELL = ("area_id", "location_id")


def _organization_cells(on: dt.date, group: tuple[str, ...] = CELL) -> Iterable[dict]:
    return (
        SocialOrganization.objects.filter(organization_active_on(on))
        .order_by()
        .values(*group)
        .annotate(
            organizations=Count("pk"),
            # Not named formal_party_members: that would shadow the field the
            # must-establish condition reads.
            members_sum=Coalesce(Sum("formal_party_members"), 0),
            **_org_counts(on),
        )
    )


def _instructor_cells(on: dt.date, group: tuple[str, ...] = CELL) -> Iterable[dict]:
    current = Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))
    return (
        InstructorAssignment.objects.filter(current, organization_active_on(on, "organization__"))
        .order_by()
        .values(**{name: F(f"organization__{name}") for name in group})
        .annotate(instructors=Count("pk"))
    )


def _party_counts() -> dict:
    kinds = PartyOrganization.Kind
    formations = PartyOrganization.Formation
    return {
        "party_organizations": Count("pk", distinct=True),
        "party_committees": Count("pk", filter=Q(kind=kinds.COMMITTEE), distinct=True),
        "party_general_branches": Count("pk", filter=Q(kind=kinds.GENERAL_BRANCH), distinct=True),
        "party_branches": Count("pk", filter=Q(kind=kinds.BRANCH), distinct=True),
        "party_standalone": Count("pk", filter=Q(formation=formations.STANDALONE), distinct=True),
        "party_joint": Count("pk", filter=Q(formation=formations.JOINT), distinct=True),
    }


def _party_cells(on: dt.date) -> Iterable[dict]:
    return (
        PartyOrganization.objects.filter(party_organization_active_on(on))
        .order_by()
        .values("area_id", "supervising_unit_id")
        .annotate(**_party_counts())
    )


def _party_by_covered(on: dt.date, group: tuple[str, ...]) -> Iterable[dict]:
    """Party organisations counted by what the active organisations they
    cover have (`group`, their fields): a party organisation has no category
    or location of its own, so it counts under each of theirs (a joint one
    covering two may count in two)."""
    through = PartyOrganization.organizations.through
    prefix = "partyorganization__"
    counts = {
        name: Count("partyorganization_id", filter=_prefixed(count.filter, prefix), distinct=True)
        for name, count in _party_counts().items()
    }
    return (
        through.objects.filter(
            party_organization_active_on(on, prefix), organization_active_on(on, "socialorganization__")
        )
        .order_by()
        .values(**{name: F(f"socialorganization__{name}") for name in group})
        .annotate(**counts)
    )


def _prefixed(condition: Q | None, prefix: str) -> Q | None:
    if condition is None:
        return None
    return Q(**{f"{prefix}{key}": value for key, value in condition.children})


class _Tree:
    """Areas and units loaded once; maps any area to its registration area."""

    def __init__(self) -> None:
        self.areas = {a.pk: a for a in Area.objects.only("pk", "code", "name", "level", "parent_id", "path")}
        self.units = {u.pk: u for u in SupervisingUnit.objects.all()}
        self._registration: dict[int, int] = {}
        self.city = next(a for a in self.areas.values() if a.level == Area.Level.CITY)

    def registration_area(self, area_id: int) -> Area:
        if area_id not in self._registration:
            node = self.areas[area_id]
            while node.level not in Area.REGISTRATION_LEVELS:
                node = self.areas[node.parent_id]
            self._registration[area_id] = node.pk
        return self.areas[self._registration[area_id]]

    def registration_areas(self) -> list[Area]:
        return sorted((a for a in self.areas.values() if a.level in Area.REGISTRATION_LEVELS), key=lambda a: a.path)


class ScopeMap:
    """Which scopes a cell of (area, supervising unit) counts in, category
    apart: the city, its registration area, its supervising unit (or none)
    and its responsible body. Shared with coverage.changes, whose counts
    must land in exactly the scopes the snapshots count in."""

    def __init__(self, tree: _Tree | None = None) -> None:
        self.tree = tree or _Tree()

    def area_key(self, area: Area) -> str:
        return area.code + CITY_DIRECT_SUFFIX if area.pk == self.tree.city.pk else area.code

    def unit_area_key(self, unit_id: int, area: Area) -> str:
        return f"{unit_id}:{self.area_key(area)}"

    def keys(self, area_id: int, unit_id: int | None) -> list[tuple[str, str]]:
        S = Snapshot.Scope
        area = self.tree.registration_area(area_id)
        unit = self.tree.units.get(unit_id) if unit_id else None
        found = [(S.CITY.value, "city"), (S.AREA.value, self.area_key(area))]
        found.append((S.SUPERVISING_UNIT.value, str(unit.pk) if unit is not None else "none"))
        if unit is not None and unit.has_industry_committee:
            found.append((S.UNIT_AREA.value, self.unit_area_key(unit.pk, area)))
            found.append((S.RESPONSIBLE_BODY.value, f"unit:{unit.pk}"))
        else:
            found.append((S.RESPONSIBLE_BODY.value, f"area:{area.code}"))
        return found


def _subdistrict_cells(on: dt.date) -> Iterable[dict]:
    """The organisation, instructor and party counts by (registration area, location)."""
    yield from _organization_cells(on, SUBDISTRICT_CELL)
    yield from _instructor_cells(on, SUBDISTRICT_CELL)
    yield from _party_by_covered(on, SUBDISTRICT_CELL)


def _subdistrict_rows(tree: _Tree, on: dt.date) -> list[ScopeRow]:
    """A district's figures by the sub-district its organisations sit in.

    Not for the city's own registrations (市本级): they sit across every
    district, and a row under a district's sub-district would show a district
    official figures of organisations outside their scope."""
    rows: dict[str, ScopeRow] = {}
    S = Snapshot.Scope
    for cell in _subdistrict_cells(on):
        district = tree.registration_area(cell["area_id"])
        if district.pk == tree.city.pk:
            continue
        location = tree.areas.get(cell["location_id"]) if cell["location_id"] else None
        sub = location.subdistrict_of(tree.areas) if location is not None else None
        if sub is not None and not sub.path.startswith(district.path):
            sub = None  # cannot be saved so, but a row must never cross districts
        key = f"{district.code}:{sub.code if sub else NO_SUBDISTRICT_KEY}"
        if key not in rows:
            label, area_id = (sub.name, sub.pk) if sub else (NO_SUBDISTRICT_LABEL, district.pk)
            rows[key] = ScopeRow(S.SUBDISTRICT, key, label, area_id=area_id)
        values = {("formal_party_members" if k == "members_sum" else k): v for k, v in cell.items()}
        rows[key].figures.add(Figures(**{k: v for k, v in values.items() if k in Figures.__dataclass_fields__}))
    return list(rows.values())


def compute(on: dt.date) -> list[ScopeRow]:
    """Every scope's figures as of `on`; reads only, writes nothing."""
    tree = _Tree()
    rows: dict[tuple[str, str], ScopeRow] = {}

    def row(scope: str, key: str, label: str, *, area_id=None, unit_id=None) -> ScopeRow:
        if (scope, key) not in rows:
            rows[(scope, key)] = ScopeRow(scope, key, label, area_id=area_id, supervising_unit_id=unit_id)
        return rows[(scope, key)]

    S = Snapshot.Scope
    row(S.CITY, "city", tree.city.name, area_id=tree.city.pk)
    for area in tree.registration_areas():
        if area.pk == tree.city.pk:
            row(S.AREA, area.code + CITY_DIRECT_SUFFIX, CITY_OWN_LABEL, area_id=area.pk)
        else:
            row(S.AREA, area.code, area.name, area_id=area.pk)
    for value, label in SocialOrganization.Category.choices:
        row(S.CATEGORY, value, str(label))

    scopes = ScopeMap(tree)

    def targets(area_id: int, unit_id: int | None) -> list[ScopeRow]:
        """The rows a cell of (area, unit) adds to, category apart."""
        area = tree.registration_area(area_id)
        unit = tree.units.get(unit_id) if unit_id else None
        found = []
        for scope, key in scopes.keys(area_id, unit_id):
            if (scope, key) in rows:
                found.append(rows[(scope, key)])
            elif scope == S.SUPERVISING_UNIT:
                if unit is None:
                    found.append(row(scope, key, "无业务主管单位"))
                else:
                    found.append(row(scope, key, unit.name, unit_id=unit.pk))
            elif scope == S.UNIT_AREA:
                # An industry committee's figures in one district: named by the district.
                label = CITY_OWN_LABEL if area.pk == tree.city.pk else area.name
                found.append(row(scope, key, label, area_id=area.pk, unit_id=unit.pk))
            elif key.startswith("unit:"):
                found.append(row(scope, key, unit.industry_committee_name, unit_id=unit.pk))
            else:
                label = CITY_OWN_LABEL if area.pk == tree.city.pk else area.name
                found.append(row(scope, key, label, area_id=area.pk))
        return found

    def add(target_rows: Iterable[ScopeRow], cell: dict) -> None:
        values = {("formal_party_members" if k == "members_sum" else k): v for k, v in cell.items()}
        figures = Figures(**{k: v for k, v in values.items() if k in Figures.__dataclass_fields__})
        for target in target_rows:
            target.figures.add(figures)

    for cell in _organization_cells(on):
        add([*targets(cell["area_id"], cell["supervising_unit_id"]), rows[(S.CATEGORY, cell["category"])]], cell)
    for cell in _instructor_cells(on):
        add([*targets(cell["area_id"], cell["supervising_unit_id"]), rows[(S.CATEGORY, cell["category"])]], cell)
    for cell in _party_cells(on):
        add(targets(cell["area_id"], cell["supervising_unit_id"]), cell)
    for cell in _party_by_covered(on, ("category",)):
        add([rows[(S.CATEGORY, cell["category"])]], cell)
    return [*rows.values(), *_subdistrict_rows(tree, on)]
