"""Write the scale dataset chunk by chunk, then make the figures true.

Each chunk is planned in memory (records.py, evaluations.py, activities.py)
and written in one transaction, so an interrupted run leaves whole chunks
and the next run carries on from the highest organisation number present.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max, QuerySet
from django.db.models.functions import Substr

from coverage import demo as coverage_demo
from coverage.models import Snapshot
from coverage.recount.periods import HalfYear
from coverage.recount.services import recount_run
from coverage.warnings.scan import warning_scan
from dashboard import tallies
from engagement.models import Contribution, PilotAssignment, PlaqueAward
from organizations.coverage_state import organization_active_on, refresh_coverage
from organizations.instructors.workload import rebuild_workload
from organizations.models import InstructorAssignment, PartyOrganization, SocialOrganization
from ratings.models import Evaluation, EvaluationEvent, Score
from xian_partybuild import clock

from .activities import ChunkActivities, plan_activities
from .common import AS_OF, CHUNK, MARKER, number_of
from .evaluations import PlannedEvaluation, plan_evaluations
from .records import ChunkRecords, plan_records
from .reference import Reference, load_reference
from .stored import stored_coverage, stored_fields
from .writer import Writer

Link = PartyOrganization.organizations.through
# Any constant will do as long as nothing else in the database uses it.
_LOCK_ID = 0x53_43_41_4C  # "SCAL"
PLAN_AHEAD = 2
WRITERS = 2
WRITTEN = (
    SocialOrganization,
    PartyOrganization,
    Link,
    InstructorAssignment,
    Evaluation,
    Score,
    EvaluationEvent,
    Contribution,
    PilotAssignment,
    PlaqueAward,
)

ORGANIZATION_FIELDS = (
    "id",
    "name",
    "credit_code",
    "category",
    "is_trade_association",
    "is_decoupled",
    "area_id",
    "supervising_unit_id",
    "registered_on",
    "status",
    "deregistered_on",
    "staff_count",
    "formal_party_members",
    "setup_path",
    "setup_contact",
    "setup_contact_phone",
)
PARTY_FIELDS = (
    "id",
    "name",
    "kind",
    "formation",
    "parent_id",
    "area_id",
    "supervising_unit_id",
    "secretary",
    "established_on",
    "term_due_on",
    "last_activity_on",
    "member_count",
    "status",
    "dissolved_on",
)


class SeedLocked(Exception):
    pass


_CODE_START = 9  # the organisation code follows 2 + 6 characters


def scale_organizations() -> QuerySet[SocialOrganization]:
    return SocialOrganization.objects.alias(marker=Substr("credit_code", _CODE_START, len(MARKER))).filter(
        marker=MARKER
    )


def present() -> int:
    """The highest scale organisation number in the database, 0 when there is none."""
    top = scale_organizations().aggregate(top=Max(Substr("credit_code", _CODE_START + len(MARKER), 5)))["top"]
    return number_of(top) if top else 0


@dataclass
class ChunkPlan:
    chunk: int
    records: ChunkRecords
    evaluations: list[PlannedEvaluation]
    activities: ChunkActivities


def plan_chunk(reference: Reference, chunk: int) -> ChunkPlan:
    records = plan_records(reference, chunk)
    return ChunkPlan(
        chunk, records, plan_evaluations(reference, chunk, records.parties), plan_activities(reference, chunk, records)
    )


def seed(target: int, progress: Callable[[int], None] | None = None) -> Counter:
    """Add scale organisations up to number `target` with everything around
    them; returns the rows added per model. Nothing happens for numbers
    already present."""
    reference = load_reference()
    added: Counter = Counter()
    with _run_lock():
        low = present()
        work = [
            (chunk, max(low, chunk * CHUNK), min(target, (chunk + 1) * CHUNK))
            for chunk in range(low // CHUNK, -(-target // CHUNK))
        ]
        work = [(chunk, first, last) for chunk, first, last in work if last > first]
        # Planning is Python, writing mostly waits for the database (the
        # driver lets go of the GIL meanwhile): chunks are planned in one
        # thread while others are written. On PostgreSQL two chunks are
        # written at once on two connections, committed in order, so that
        # the numbers present are always 1 … present(). Inside a transaction
        # (a test) other connections would not see its rows: one writer, this one.
        parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
        writers = WRITERS if parallel else 1
        turns = _Turns()
        with ThreadPoolExecutor(max_workers=1) as planner, ThreadPoolExecutor(max_workers=writers) as pool:
            plans = deque(planner.submit(plan_chunk, reference, chunk) for chunk, _f, _l in work[:PLAN_AHEAD])
            writing: deque = deque()
            for index, (_chunk, first, last) in enumerate(work):
                plan = plans.popleft()
                if index + PLAN_AHEAD < len(work):
                    plans.append(planner.submit(plan_chunk, reference, work[index + PLAN_AHEAD][0]))
                if parallel:
                    writing.append((pool.submit(_write_in_turn, turns, index, plan, first, last, True), last - first))
                else:
                    writing.append((_Done(_write_in_turn(turns, index, plan, first, last, False)), last - first))
                while len(writing) >= writers or (writing and index == len(work) - 1):
                    future, size = writing.popleft()
                    added.update(future.result())
                    if progress is not None:
                        progress(size)
    return added


class _Done:
    def __init__(self, value) -> None:
        self.value = value

    def result(self):
        return self.value


class _EarlierChunkFailed(Exception):
    pass


class _Turns:
    """Chunks commit in the order of their numbers."""

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.next = 0
        self.failed = False

    def wait_for(self, index: int) -> None:
        with self.condition:
            self.condition.wait_for(lambda: self.next == index or self.failed)
            if self.failed:
                raise _EarlierChunkFailed(f"chunk {index} not committed: an earlier one failed")

    def done(self, index: int) -> None:
        with self.condition:
            self.next = index + 1
            self.condition.notify_all()

    def fail(self) -> None:
        with self.condition:
            self.failed = True
            self.condition.notify_all()


def _write_in_turn(turns: _Turns, index: int, plan: Future, low: int, high: int, own_connection: bool) -> Counter:
    try:
        plan = plan.result()
        writer = Writer(connection, WRITTEN)
        with transaction.atomic():
            writer.begin_chunk()
            count = write_chunk(writer, plan, low, high)
            writer.end_chunk()
            turns.wait_for(index)
        turns.done(index)
        return count
    except BaseException:
        turns.fail()
        raise
    finally:
        if own_connection:
            connection.close()  # this thread's own connection


class _run_lock:
    """Two seed_scale runs at once would plan the same numbers (PostgreSQL; SQLite serialises writers)."""

    def __enter__(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [_LOCK_ID])
                if not cursor.fetchone()[0]:
                    raise SeedLocked("another seed_scale is running on this database")
        return self

    def __exit__(self, *exc):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_ID])


def write_chunk(writer: Writer, plan: ChunkPlan, low: int, high: int) -> Counter:
    """Write the rows of the planned chunk owned by organisations low+1 … high."""
    records = plan.records

    def new(number: int) -> bool:
        return low < number <= high

    orgs = [o for o in records.organizations if new(o.number)]
    org_ids = dict(zip((o.number for o in orgs), writer.ids(SocialOrganization, len(orgs)), strict=True))
    count = Counter()
    stored = stored_fields()
    coverage = stored_coverage(records, clock.today()) if stored else {}
    count["organizations"] = writer.insert(
        SocialOrganization,
        ORGANIZATION_FIELDS + stored,
        (
            (org_ids[o.number], o.name, o.credit_code, o.category, o.is_trade_association, o.is_decoupled)
            + (o.area.pk, o.supervising_unit_id, o.registered_on, o.status, o.deregistered_on, o.staff_count)
            + (o.formal_party_members, o.setup_path, o.setup_contact, o.setup_contact_phone)
            + coverage.get(o, ())
            for o in orgs
        ),
    )
    parties = [p for p in records.parties if new(p.owner)]
    party_ids = {id(p): pk for p, pk in zip(parties, writer.ids(PartyOrganization, len(parties)), strict=True)}
    count["party organizations"] = writer.insert(
        PartyOrganization,
        PARTY_FIELDS,
        (
            (party_ids[id(p)], p.name, p.kind, p.formation, p.parent_id, p.area_id, p.supervising_unit_id, p.secretary)
            + (p.established_on, p.term_due_on, p.last_activity_on, p.member_count, p.status, p.dissolved_on)
            for p in parties
        ),
    )
    party_ids.update(_earlier_joint_parties(records, low, new))
    links = [
        (party_ids[id(p)], org_ids[o.number])
        for p in records.parties
        if id(p) in party_ids
        for o in p.members
        if new(o.number)
    ]
    count["coverage links"] = writer.insert(Link, ("partyorganization_id", "socialorganization_id"), links)
    assignments = [a for a in records.assignments if new(a.organization.number)]
    count["instructor assignments"] = writer.insert(
        InstructorAssignment,
        ("organization_id", "person_name", "role", "phone", "started_on", "ended_on"),
        (
            (org_ids[a.organization.number], a.person_name, a.role, a.phone, a.started_on, a.ended_on)
            for a in assignments
        ),
    )
    count.update(_write_evaluations(writer, plan.evaluations, party_ids, {id(p) for p in parties}))
    count.update(_write_activities(writer, plan.activities, org_ids, new))
    return count


def _earlier_joint_parties(records: ChunkRecords, low: int, new) -> dict[int, int]:
    """Joint party organisations written by an earlier run that now cover organisations of this one."""
    older = [p for p in records.parties if p.owner <= low and any(new(o.number) for o in p.members)]
    if not older:
        return {}
    owners = {min(p.members, key=lambda o: o.number).credit_code: p for p in older}
    found = Link.objects.filter(
        socialorganization__credit_code__in=owners, partyorganization__formation=PartyOrganization.Formation.JOINT
    ).values_list("socialorganization__credit_code", "partyorganization_id")
    return {id(owners[code]): pk for code, pk in found}


def _write_evaluations(writer, evaluations, party_ids, written) -> Counter:
    planned = [e for e in evaluations if id(e.party) in written]
    ids = writer.ids(Evaluation, len(planned))
    count = Counter()
    count["evaluations"] = writer.insert(
        Evaluation,
        ("id", "round_id", "party_organization_id", "state", "total", "stars", "final_stars", "evidence")
        + ("return_reason", "province_sent_on", "province_result_on", "province_note", "created_at", "updated_at"),
        (
            (pk, e.round_pk, party_ids[id(e.party)], e.state, e.total, e.stars, e.final_stars, e.evidence)
            + (e.return_reason, e.province_sent_on, e.province_result_on, "", e.created_at, e.events[-1][3])
            for pk, e in zip(ids, planned, strict=True)
        ),
    )
    scores = [
        (pk, item, points, maximum)
        for pk, e in zip(ids, planned, strict=True)
        for item, _code, points, maximum in e.points
    ]
    count["scores"] = writer.insert(Score, ("evaluation_id", "item_id", "points", "max_points"), scores)
    events = []
    for pk, e in zip(ids, planned, strict=True):
        created = {code: [None, points] for _item, code, points, _maximum in e.points}
        for action, from_state, to_state, at, note in e.events:
            changes = created if action == EvaluationEvent.Action.CREATED else {}
            events.append((pk, action, None, at, from_state, to_state, e.total, e.stars, changes, note))
    count["evaluation events"] = writer.insert(
        EvaluationEvent,
        ("evaluation_id", "action", "actor_id", "at", "from_state", "to_state", "total", "stars", "changes", "note"),
        events,
    )
    return count


def _write_activities(writer, planned, org_ids, new) -> Counter:
    contributions = [c for c in planned.contributions if new(c.organization.number)]
    count = Counter()
    count["contributions"] = writer.insert(
        Contribution,
        ("organization_id", "made_on", "kind", "money_yuan", "goods_value_yuan", "people_helped")
        + ("is_exemplary_case", "teams_sent", "description"),
        (
            (org_ids[c.organization.number], c.made_on, c.kind, c.money_yuan, c.goods_value_yuan)
            + (c.people_helped, c.is_exemplary_case, 0, c.description)
            for c in contributions
        ),
    )
    pilots = [p for p in planned.pilots if new(p.organization.number)]
    count["pilot assignments"] = writer.insert(
        PilotAssignment,
        ("organization_id", "community_id", "selected_on", "star_level_at_selection"),
        ((org_ids[p.organization.number], p.community_pk, p.selected_on, None) for p in pilots),
    )
    plaques = [p for p in pilots if p.plaque_on]
    count["plaques"] = writer.insert(
        PlaqueAward,
        ("organization_id", "awarded_on", "place", "community_id", "agreement_signed"),
        ((org_ids[p.organization.number], p.plaque_on, p.place, p.community_pk, True) for p in plaques),
    )
    return count


def current_half_year() -> HalfYear:
    """The half-year the demo lives in: its records stand on AS_OF."""
    return HalfYear.containing(AS_OF)


def figures_stale() -> bool:
    """True when the current half-year's city snapshot does not count the organisations there are."""
    half = current_half_year()
    city = Snapshot.objects.filter(period__year=half.year, period__half=half.half, scope=Snapshot.Scope.CITY).first()
    active = SocialOrganization.objects.filter(organization_active_on(AS_OF)).count()
    return city is None or city.organizations != active


def finish(step: Callable[[str], None] | None = None) -> dict[str, float]:
    """Make the stored coverage, the snapshots and the warnings true for the records there now are."""
    timings: dict[str, float] = {}

    def timed(name: str, work: Callable[[], object]) -> None:
        if step is not None:
            step(name)
        started = time.perf_counter()
        work()
        timings[name] = time.perf_counter() - started

    def analyze() -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def vacuum() -> None:
        # Rows loaded by COPY are not marked all-visible until a vacuum: an
        # index-only scan (the movers' comparison, the capped counts) would
        # visit the table for each of them until autovacuum came by.
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        else:
            analyze()

    # Statistics first: the queries below plan on tables that just grew.
    timed("analyze", analyze)
    timed("stored coverage", refresh_coverage)
    timed("instructor workload", rebuild_workload)
    # Every half-year the demo recounted, so that its trend counts the same records.
    for half in coverage_demo.HISTORY:
        timed(f"recount {half.code}", lambda half=half: recount_run(period=half))
    timed("warning scan", lambda: warning_scan(today=AS_OF))
    # COPY sends no signals: the dashboard's tallies are rebuilt from the records.
    timed("dashboard tallies", tallies.rebuild)
    # And again for the pages, which filter on the stored coverage just written.
    timed("vacuum", vacuum)
    return timings
