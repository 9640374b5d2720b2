"""One chunk of the scale dataset, planned in memory: organisations, their
party organisations and instructor assignments.

A chunk is CHUNK consecutive organisation numbers planned from its own
generator, so the plan is a pure function of the chunk's number and the
reference data. Every planned row has an owner (the number of the
organisation it belongs to): a run that stops in the middle of a chunk
writes the rows of the organisations it adds, and a later run plans the
chunk again and writes the rest, so seeding 300 and then 400 organisations
gives the same records as seeding 400 at once. Numbers are handed out once
the chunk is planned, the members of a joint branch one after the other,
so that the first N organisations of a chunk carry their share of party
organisations rather than a piece of every joint branch.

Proportions follow the demo (organizations/demo.py), whose tables of names,
areas, categories and head counts are reused; the exact figures the demo
reproduces (3,866 organisations, 1,272 party organisations) become shares.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from organizations import demo
from organizations.models import MUST_ESTABLISH_MEMBERS, Area, InstructorAssignment, PartyOrganization
from organizations.models import SocialOrganization as Org
from organizations.services import default_term_due

from .common import AS_OF, CHUNK, Weighted, chunk_rng, credit_code, day_between, pick

# Shares measured on the demo (of active organisations unless said otherwise).
DEREGISTERED_SHARE = 0.01
JOINT_SHARE = 0.62  # of the small organisations (fewer than three members), in a joint branch
LARGE_SHARE = 0.02  # of must-establish service agencies and firms: a general branch or a committee
NOT_ESTABLISHED_SHARE = {2020: 0.10, 2019: 0.02}  # 应建未建 by registration year; older: 0.005
PENDING_SHARE = 0.08  # of this year's small uncovered registrations: no setup path or contact yet
DEREGISTERED_WITH_PARTY = 0.47
STILL_ACTIVE_AFTER_DEREGISTRATION = 0.07  # of those: the anomaly the warning scan catches

SetupPath = Org.SetupPath
Kind = PartyOrganization.Kind
Formation = PartyOrganization.Formation
_LARGE = {Org.Category.SOCIAL_SERVICE, Org.Category.LAW_FIRM, Org.Category.ACCOUNTING_FIRM}


@dataclass(eq=False, slots=True)
class PlannedOrganization:
    name: str
    category: str
    is_trade_association: bool
    is_decoupled: bool
    area: Area
    supervising_unit_id: int | None
    registered_on: dt.date
    staff_count: int
    formal_party_members: int
    setup_contact: str
    setup_contact_phone: str
    status: str = Org.Status.ACTIVE
    deregistered_on: dt.date | None = None
    setup_path: str = SetupPath.PENDING
    number: int = 0
    credit_code: str = ""


@dataclass(eq=False, slots=True)
class PlannedParty:
    name: str
    kind: str
    formation: str
    area_id: int
    supervising_unit_id: int | None
    parent_id: int | None
    secretary: str
    established_on: dt.date
    term_due_on: dt.date
    last_activity_on: dt.date | None
    member_count: int
    members: list[PlannedOrganization]
    status: str = PartyOrganization.Status.ACTIVE
    dissolved_on: dt.date | None = None
    rated: bool = True  # active and covering an active organisation
    owner: int = 0  # the lowest number among the organisations it covers


@dataclass(eq=False, slots=True)
class PlannedAssignment:
    organization: PlannedOrganization
    person_name: str
    role: str
    phone: str
    started_on: dt.date
    ended_on: dt.date | None


@dataclass
class ChunkRecords:
    organizations: list[PlannedOrganization] = field(default_factory=list)
    parties: list[PlannedParty] = field(default_factory=list)
    assignments: list[PlannedAssignment] = field(default_factory=list)


class Maker:
    """Organisations as the demo makes them, without its city-wide unique
    names (a million organisations would exhaust them) and several times faster."""

    def __init__(self, rng: random.Random, reference) -> None:
        self.rng = rng
        self.ref = reference
        self.categories = Weighted(list(demo.CATEGORY_COUNTS), list(demo.CATEGORY_COUNTS.values()))
        self.templates = {
            category: Weighted(
                [t for t in demo.TEMPLATES if t.category == category],
                [t.weight for t in demo.TEMPLATES if t.category == category],
            )
            for category in demo.CATEGORY_COUNTS
        }
        years = sorted(demo._YEAR_WEIGHTS)
        self.years = {
            last: Weighted([y for y in years if y <= last], [demo._YEAR_WEIGHTS[y] for y in years if y <= last])
            for last in (2015, AS_OF.year)
        }

    def registration_date(self, last_year: int) -> dt.date:
        year = self.years[last_year].pick(self.rng)
        return day_between(self.rng, dt.date(year, 1, 1), min(AS_OF, dt.date(year, 12, 31)))

    def name(self, template: demo.Template, area: Area) -> str:
        rng, places = self.rng, self.ref.places
        formal, short = places.prefixes(area)
        subs = places.subdistricts.get(area.code, ())
        patterns = template.patterns if subs else [p for p in template.patterns if "{sub}" not in p]
        first, second = (
            (demo._FIRM_FIRST, demo._FIRM_SECOND) if template.firm_brand else (demo._BRAND_FIRST, demo._BRAND_SECOND)
        )
        brand = pick(rng, first) + pick(rng, second)
        while brand[0] == brand[1]:
            brand = pick(rng, first) + pick(rng, second)
        return pick(rng, patterns).format(
            p=formal if rng.random() < 0.6 else short,
            short=short,
            sub=pick(rng, subs) if subs else "",
            topic=pick(rng, template.topics),
            brand=brand,
            home=pick(rng, demo._LAW_HOME_CITIES),
        )

    def make(self) -> PlannedOrganization:
        rng, ref = self.rng, self.ref
        category = self.categories.pick(rng)
        template = self.templates[category].pick(rng)
        area = ref.area_choice(template.areas).pick(rng)
        unit_name = template.unit
        decoupled = template.trade and rng.random() < template.decoupled
        if decoupled:
            unit_name = demo.CIVIL_AFFAIRS if rng.random() < 0.55 else None
        median, spread, low, high = demo.STAFF[category]
        staff = max(low, min(high, round(rng.lognormvariate(0, spread) * median)))
        if rng.random() < demo.MUST_ESTABLISH_SHARE[category]:
            members = MUST_ESTABLISH_MEMBERS + min(int(rng.expovariate(1 / 4)), 37)
            staff = min(high, max(staff, members + int(rng.random() * 7)))
        else:
            roll = rng.random()
            members = min(staff, 0 if roll < 0.42 else 1 if roll < 0.75 else 2)
        deregistered = rng.random() < DEREGISTERED_SHARE
        org = PlannedOrganization(
            name=self.name(template, area),
            category=category,
            is_trade_association=template.trade,
            is_decoupled=decoupled,
            area=area,
            supervising_unit_id=ref.unit_ids.get(unit_name) if unit_name else None,
            registered_on=self.registration_date(2015 if deregistered else AS_OF.year),
            staff_count=staff,
            formal_party_members=members,
            setup_contact=demo._person(rng),
            setup_contact_phone=demo._phone(rng) if rng.random() < 0.85 else "",
        )
        if deregistered:
            org.status = Org.Status.DEREGISTERED
            first = max(org.registered_on + dt.timedelta(days=730), dt.date(2016, 1, 1))
            org.deregistered_on = day_between(rng, first, AS_OF)
        return org


def plan_records(reference, chunk: int) -> ChunkRecords:
    """Organisations CHUNK*chunk+1 … CHUNK*(chunk+1), their party organisations and instructors."""
    rng = chunk_rng(chunk, "records")
    maker = Maker(rng, reference)
    records = ChunkRecords(organizations=[maker.make() for _ in range(CHUNK)])
    _Coverage(rng, reference, records, chunk).plan()
    _number(records, chunk * CHUNK + 1, reference.city_division)
    return records


def _number(records: ChunkRecords, first: int, city_division: str) -> None:
    joint_of = {o: p for p in records.parties if p.formation == Formation.JOINT for o in p.members}
    ordered: list[PlannedOrganization] = []
    placed: set[int] = set()
    for org in records.organizations:
        for member in joint_of[org].members if org in joint_of else (org,):
            if id(member) not in placed:
                placed.add(id(member))
                ordered.append(member)
    for number, org in enumerate(ordered, start=first):
        org.number = number
        org.credit_code = credit_code(number, org.category, org.area.division_code or city_division)
    records.organizations = ordered
    for party in records.parties:
        party.owner = min(o.number for o in party.members)


class _Coverage:
    """Who is covered how, as the demo decides it, in proportions instead of exact counts."""

    def __init__(self, rng: random.Random, reference, records: ChunkRecords, chunk: int) -> None:
        self.rng, self.ref, self.records, self.chunk = rng, reference, records, chunk
        self.covered: dict[PlannedOrganization, str] = {}  # -> setup path
        self.established: dict[PlannedOrganization, dt.date] = {}
        self.instructors: dict[str, list[tuple[str, str]]] = {}
        self.joint_numbers: dict[tuple[str, str], int] = defaultdict(int)

    def plan(self) -> None:
        rng = self.rng
        orgs = self.records.organizations
        active = [o for o in orgs if o.status == Org.Status.ACTIVE]
        eligible = [o for o in active if o.registered_on < AS_OF]
        must = [o for o in eligible if o.formal_party_members >= MUST_ESTABLISH_MEMBERS]
        for org in must:
            if org.category in _LARGE and rng.random() < LARGE_SHARE:
                self._make_large(org)
        waiting = [
            o
            for o in must
            if o.formal_party_members < 50 and rng.random() < NOT_ESTABLISHED_SHARE.get(o.registered_on.year, 0.005)
        ]
        waiting_set = set(waiting)
        groups = self._joint_groups([o for o in eligible if o.formal_party_members < MUST_ESTABLISH_MEMBERS])
        # Half of the must-establish-not-established sit in a joint branch for now.
        for org in waiting[::2]:
            for group in groups:
                if group[0].area is org.area and len(group) < 8:
                    group.append(org)
                    break
        for org in must:
            if org not in waiting_set:
                self._standalone(org)
        for group in groups:
            self._joint(group)
        for org in orgs:
            if org.status == Org.Status.DEREGISTERED:
                self._deregistered(org)
        self._instructors(active, waiting_set)

    def _make_large(self, org: PlannedOrganization) -> None:
        rng = self.rng
        if org.category == Org.Category.LAW_FIRM:
            org.staff_count = rng.randint(60, 80)
            org.formal_party_members = rng.randint(50, org.staff_count - 5)
        else:
            org.staff_count = rng.randint(130, 200)
            org.formal_party_members = rng.randint(50, org.staff_count - 20)

    def _joint_groups(self, small: list[PlannedOrganization]) -> list[list[PlannedOrganization]]:
        rng = self.rng
        by_area: dict[str, list[PlannedOrganization]] = defaultdict(list)
        for org in small:
            by_area[org.area.code].append(org)
        candidates: list[list[PlannedOrganization]] = []
        for code in sorted(by_area):
            pool = by_area[code]
            rng.shuffle(pool)
            by_unit: dict[int, list[PlannedOrganization]] = defaultdict(list)
            for org in pool:
                by_unit[org.supervising_unit_id or 0].append(org)
            leftovers: list[PlannedOrganization] = []
            for unit_id in sorted(by_unit):
                groups, rest = demo._form_groups(rng, by_unit[unit_id])
                candidates += groups
                leftovers += rest
            candidates += demo._form_groups(rng, leftovers)[0]
        rng.shuffle(candidates)
        chosen, covered = [], 0
        for group in candidates:
            if covered >= JOINT_SHARE * len(small):
                break
            chosen.append(group)
            covered += len(group)
        return chosen

    def _party(self, members: list[PlannedOrganization], **fields) -> PlannedParty:
        rng = self.rng
        established = fields.pop("established_on")
        until = fields.pop("until", AS_OF)
        area = fields.pop("area")
        unit_id = fields.pop("supervising_unit_id")
        party = PlannedParty(
            area_id=area.pk,
            supervising_unit_id=unit_id,
            parent_id=self.ref.industry_committees.get(unit_id) or self.ref.district_committees.get(area.pk),
            secretary="" if rng.random() < 0.02 else demo._person(rng),  # ~2% vacant
            established_on=established,
            term_due_on=default_term_due(fields["kind"], established),
            last_activity_on=demo._last_activity(rng, established, until),
            members=members,
            **fields,
        )
        self.records.parties.append(party)
        return party

    def _standalone(self, org: PlannedOrganization) -> None:
        if org.formal_party_members >= 100:
            kind, suffix = Kind.COMMITTEE, "委员会"
        elif org.formal_party_members >= 50:
            kind, suffix = Kind.GENERAL_BRANCH, "总支部委员会"
        else:
            kind, suffix = Kind.BRANCH, "支部委员会"
        party = self._party(
            [org],
            name=f"中共{org.name}{suffix}",
            kind=kind,
            formation=Formation.STANDALONE,
            area=org.area,
            supervising_unit_id=org.supervising_unit_id,
            established_on=demo._established_on(self.rng, org.registered_on),
            member_count=max(1, org.formal_party_members),
        )
        self.covered[org] = SetupPath.STANDALONE
        self.established[org] = party.established_on

    def _joint(self, group: list[PlannedOrganization]) -> None:
        area = group[0].area
        unit_ids = {o.supervising_unit_id for o in group}
        unit_id = group[0].supervising_unit_id if len(unit_ids) == 1 else None
        label = self.ref.unit_labels.get(unit_id, "社会组织")
        # Numbered per area and industry like the demo's, in a range of the
        # chunk's own so that no two chunks name a branch alike.
        self.joint_numbers[(area.name, label)] += 1
        number = (self.chunk + 1) * 1000 + self.joint_numbers[(area.name, label)]
        party = self._party(
            group,
            name=f"中共{area.name}{label}第{number}联合支部委员会",
            kind=Kind.BRANCH,
            formation=Formation.JOINT,
            area=area,
            supervising_unit_id=unit_id,
            established_on=demo._established_on(self.rng, max(o.registered_on for o in group)),
            member_count=max(1, sum(o.formal_party_members for o in group)),
        )
        for org in group:
            self.covered.setdefault(org, SetupPath.JOINT)
            self.established.setdefault(org, party.established_on)

    def _deregistered(self, org: PlannedOrganization) -> None:
        rng = self.rng
        if rng.random() >= DEREGISTERED_WITH_PARTY:
            org.setup_path = SetupPath.INSTRUCTOR
            if rng.random() < 0.5:
                self._assign(org, day_between(rng, org.registered_on, org.deregistered_on), org.deregistered_on)
            return
        org.setup_path = SetupPath.STANDALONE
        if org.formal_party_members < MUST_ESTABLISH_MEMBERS:
            # It had its own branch, so it had the members for one.
            org.formal_party_members = MUST_ESTABLISH_MEMBERS + int(rng.random() * 5)
            org.staff_count = max(org.staff_count, org.formal_party_members + int(rng.random() * 7))
        still_active = rng.random() < STILL_ACTIVE_AFTER_DEREGISTRATION
        if still_active:
            # Deregistered this autumn while the branch is still active.
            org.deregistered_on = max(org.registered_on, day_between(rng, dt.date(2020, 9, 1), dt.date(2020, 12, 15)))
        start = org.registered_on + dt.timedelta(days=1)
        established = day_between(rng, start, max(start, org.deregistered_on - dt.timedelta(days=120)))
        party = self._party(
            [org],
            name=f"中共{org.name}支部委员会",
            kind=Kind.BRANCH,
            formation=Formation.STANDALONE,
            area=org.area,
            supervising_unit_id=org.supervising_unit_id,
            established_on=established,
            member_count=max(1, org.formal_party_members),
            until=AS_OF if still_active else org.deregistered_on,
        )
        party.rated = False
        if not still_active:
            party.status = PartyOrganization.Status.DISSOLVED
            party.dissolved_on = day_between(
                rng, org.deregistered_on, min(AS_OF, org.deregistered_on + dt.timedelta(days=90))
            )

    def _assign(self, org: PlannedOrganization, started: dt.date, ended: dt.date | None = None) -> None:
        rng = self.rng
        pool = self.instructors.get(org.area.code)
        if pool is None:
            # One instructor serves several organisations of an area.
            pool = self.instructors[org.area.code] = [(demo._person(rng), demo._phone(rng)) for _ in range(40)]
        person, phone = pick(rng, pool)
        role = InstructorAssignment.Role.LIAISON if rng.random() < 0.1 else InstructorAssignment.Role.INSTRUCTOR
        self.records.assignments.append(PlannedAssignment(org, person, role, phone, started, ended))

    def _soon_after_registration(self, org: PlannedOrganization) -> dt.date:
        return min(AS_OF, org.registered_on + dt.timedelta(days=self.rng.randint(10, 45)))

    def _instructors(self, active: list[PlannedOrganization], waiting: set[PlannedOrganization]) -> None:
        rng = self.rng
        for org in active:
            path = self.covered.get(org)
            if path is None:
                # Work coverage is held at 100%: everyone else has an instructor.
                self._assign(org, self._soon_after_registration(org))
                small = org.formal_party_members < MUST_ESTABLISH_MEMBERS
                org.setup_path = SetupPath.INSTRUCTOR if small else SetupPath.STANDALONE
                if small and org.registered_on.year == AS_OF.year and rng.random() < PENDING_SHARE:
                    org.setup_path, org.setup_contact, org.setup_contact_phone = SetupPath.PENDING, "", ""
                continue
            org.setup_path = SetupPath.STANDALONE if org in waiting else path
            if path == SetupPath.JOINT and rng.random() < 0.06:
                self._assign(org, day_between(rng, max(org.registered_on, dt.date(2019, 1, 1)), AS_OF))
            if rng.random() < 0.95:
                # An instructor until the branch was set up.
                started = self._soon_after_registration(org)
                if started < self.established[org]:
                    self._assign(org, started, self.established[org])
