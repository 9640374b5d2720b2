"""seed_scale: realistic organisations on top of the demo's reference data,
written exactly as planned, idempotent, and a larger N adds only the difference."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from coverage.models import EarlyWarning, Snapshot
from coverage.warnings.scan import warning_scan
from engagement.models import Contribution, PilotAssignment, PlaqueAward
from engagement.tests import scope_copies
from organizations import demo
from organizations.coverage_state import organization_active_on, refresh_coverage
from organizations.creditcode import code_warnings, validate_credit_code
from organizations.instructors.workload import rebuild_workload
from organizations.models import (
    Area,
    InstructorAssignment,
    InstructorLoad,
    PartyOrganization,
    SocialOrganization,
    SupervisingUnit,
)
from organizations.scale import seed
from organizations.scale.activities import ChunkActivities
from organizations.scale.common import CHUNK, MARKER, number_of
from organizations.scale.records import ChunkRecords
from organizations.scale.reference import load_reference
from organizations.scale.writer import Writer
from organizations.tests.factories import PartyOrganizationFactory
from ratings.models import Evaluation, EvaluationEvent, Score

# Every column, so that two writes of the same rows list them alike.
LOAD_ORDER = ("person_name", "phone", "role", "citywide", "area", "supervising_unit", "serving", "total")

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2020, 12, 31)


def run(orgs: int) -> str:
    out = StringIO()
    call_command("seed_scale", orgs=orgs, stdout=out, stderr=StringIO())
    return out.getvalue()


def table_counts() -> Counter:
    models = (
        SocialOrganization,
        PartyOrganization,
        PartyOrganization.organizations.through,
        InstructorAssignment,
        Evaluation,
        Score,
        EvaluationEvent,
        Contribution,
        PilotAssignment,
        PlaqueAward,
        EarlyWarning,
        Snapshot,
    )
    return Counter({m._meta.label: m.objects.count() for m in models})


def planned(n: int) -> dict[str, Counter]:
    """What the plan says organisations 1…n bring, independently of how they were written."""
    reference = load_reference()
    plans = [seed.plan_chunk(reference, chunk) for chunk in range(-(-n // CHUNK))]
    records = ChunkRecords(
        organizations=[o for plan in plans for o in plan.records.organizations],
        parties=[p for plan in plans for p in plan.records.parties],
        assignments=[a for plan in plans for a in plan.records.assignments],
    )
    plan = SimpleNamespace(
        evaluations=[e for plan in plans for e in plan.evaluations],
        activities=ChunkActivities(
            contributions=[c for plan in plans for c in plan.activities.contributions],
            pilots=[p for plan in plans for p in plan.activities.pilots],
        ),
    )
    orgs = [o for o in records.organizations if o.number <= n]
    parties = [p for p in records.parties if p.owner <= n]
    pilots = [p for p in plan.activities.pilots if p.organization.number <= n]
    return {
        "organizations": Counter(
            (o.credit_code, o.name, o.category, o.area.code, o.registered_on, o.status, o.formal_party_members)
            + (o.staff_count, o.setup_path)
            for o in orgs
        ),
        "parties": Counter(
            (p.name, p.formation, p.established_on, frozenset(o.credit_code for o in p.members if o.number <= n))
            for p in parties
        ),
        "assignments": Counter(
            (a.organization.credit_code, a.person_name, a.started_on, a.ended_on)
            for a in records.assignments
            if a.organization.number <= n
        ),
        "evaluations": Counter(
            (e.party.name, e.state, e.total, e.final_stars) for e in plan.evaluations if e.party.owner <= n
        ),
        "scores": Counter({"rows": sum(len(e.points) for e in plan.evaluations if e.party.owner <= n)}),
        "contributions": Counter(
            (c.organization.credit_code, c.kind, c.made_on, c.money_yuan)
            for c in plan.activities.contributions
            if c.organization.number <= n
        ),
        "pilots": Counter((p.organization.credit_code, p.community_pk) for p in pilots),
        "plaques": Counter(p.organization.credit_code for p in pilots if p.plaque_on),
    }


def written() -> dict[str, Counter]:
    orgs = seed.scale_organizations()
    parties = PartyOrganization.objects.filter(organizations__in=orgs).distinct()
    members: dict[int, set[str]] = {}
    for party_id, code in PartyOrganization.organizations.through.objects.filter(
        partyorganization__in=parties
    ).values_list("partyorganization_id", "socialorganization__credit_code"):
        members.setdefault(party_id, set()).add(code)
    evaluations = Evaluation.objects.filter(party_organization__in=parties)
    return {
        "organizations": Counter(
            orgs.values_list(
                "credit_code",
                "name",
                "category",
                "area__code",
                "registered_on",
                "status",
                "formal_party_members",
                "staff_count",
                "setup_path",
            )
        ),
        "parties": Counter(
            (name, formation, established, frozenset(members[pk]))
            for pk, name, formation, established in parties.values_list("pk", "name", "formation", "established_on")
        ),
        "assignments": Counter(
            InstructorAssignment.objects.filter(organization__in=orgs).values_list(
                "organization__credit_code", "person_name", "started_on", "ended_on"
            )
        ),
        "evaluations": Counter(evaluations.values_list("party_organization__name", "state", "total", "final_stars")),
        "scores": Counter({"rows": Score.objects.filter(evaluation__in=evaluations).count()}),
        "contributions": Counter(
            Contribution.objects.filter(organization__in=orgs).values_list(
                "organization__credit_code", "kind", "made_on", "money_yuan"
            )
        ),
        "pilots": Counter(
            PilotAssignment.objects.filter(organization__in=orgs).values_list(
                "organization__credit_code", "community_id"
            )
        ),
        "plaques": Counter(
            PlaqueAward.objects.filter(organization__in=orgs).values_list("organization__credit_code", flat=True)
        ),
    }


def test_seed_scale_writes_the_plan_idempotently_and_adds_only_the_difference():
    out = run(300)
    assert "seeding the demo's reference data" in out  # an empty database gets the demo's areas, units, rounds
    assert seed.present() == 300
    orgs = list(seed.scale_organizations().values_list("credit_code", "category"))
    assert len(orgs) == 300
    assert sorted(number_of(code[12:17]) for code, _category in orgs) == list(range(1, 301))
    for code, category in orgs:
        validate_credit_code(code)
        assert code[8:12] == MARKER
        assert code_warnings(code, category) == []  # the prefix says the category, the division lies in Xi'an
    first = written()
    assert first == planned(300)

    # The figures are true for what was written: stored coverage, the
    # current half-year's snapshot, the warnings.
    assert refresh_coverage() == 0
    # The instructors' workload tally holds the assignments written (a rebuild changes nothing),
    # and the demo's placing step leaves the scale's organisations as written.
    loads = list(
        InstructorLoad.objects.values_list("person_name", "phone", "role", "area", "serving", "total").order_by(
            *LOAD_ORDER
        )
    )
    assert loads
    rebuild_workload()
    assert (
        list(
            InstructorLoad.objects.values_list("person_name", "phone", "role", "area", "serving", "total").order_by(
                *LOAD_ORDER
            )
        )
        == loads
    )
    assert demo.seed_locations(random.Random(0)) == 0
    # Engagement records carry their organisations' scope (the triggers copy
    # it, or on PostgreSQL the writer's chunk end when it turns them off).
    assert Contribution.objects.filter(organization__in=seed.scale_organizations()).exists()
    assert scope_copies.mismatches() == []
    city = Snapshot.objects.get(period__year=2020, period__half=2, scope=Snapshot.Scope.CITY)
    active = SocialOrganization.objects.filter(organization_active_on(AS_OF)).count()
    assert city.organizations == active
    assert city.work_covered == active  # work coverage held at 100%, as the demo holds it
    assert 0 < city.org_covered < active
    assert 0 < city.must_establish_not_established < city.must_establish
    scan = warning_scan(today=AS_OF)
    assert (scan["opened"], scan["closed"]) == (0, 0)
    assert EarlyWarning.objects.filter(organization__in=seed.scale_organizations()).exists()

    counts = table_counts()
    assert "none added" in run(300)
    assert table_counts() == counts

    ids_before = dict(seed.scale_organizations().values_list("credit_code", "pk"))
    run(420)
    assert seed.present() == 420
    assert seed.scale_organizations().count() == 420
    # 300 then 420 holds what the plan gives 420, which is what one run of 420 writes.
    assert written() == planned(420)
    assert {
        code: pk for code, pk in seed.scale_organizations().values_list("credit_code", "pk") if code in ids_before
    } == ids_before
    city = Snapshot.objects.get(period__year=2020, period__half=2, scope=Snapshot.Scope.CITY)
    assert city.organizations == SocialOrganization.objects.filter(organization_active_on(AS_OF)).count()


def test_seed_scale_is_realistic():
    run(0)  # the reference data alone
    # The demo's committees come with its organisations; one is enough to
    # see new party organisations placed under their industry's committee.
    justice = SupervisingUnit.objects.get(name=demo.JUSTICE)
    committee = PartyOrganizationFactory(
        name=justice.industry_committee_name,
        kind=PartyOrganization.Kind.COMMITTEE,
        formation=PartyOrganization.Formation.JOINT,
        area=Area.objects.get(level=Area.Level.CITY),
        supervising_unit=justice,
    )
    run(420)
    orgs = seed.scale_organizations()
    registration = Area.objects.filter(level__in=Area.REGISTRATION_LEVELS)
    assert orgs.values("area").distinct().count() >= 15 and set(orgs.values_list("area", flat=True)) <= set(
        registration.values_list("pk", flat=True)
    )
    assert set(orgs.values_list("category", flat=True)) == set(SocialOrganization.Category.values)
    assert orgs.filter(supervising_unit__isnull=False).exists() and orgs.filter(supervising_unit__isnull=True).exists()
    assert 0.1 < orgs.filter(formal_party_members__gte=3).count() / 420 < 0.4
    assert orgs.filter(status=SocialOrganization.Status.DEREGISTERED, deregistered_on__isnull=False).exists()
    parties = PartyOrganization.objects.filter(organizations__in=orgs).distinct()
    assert 0.15 < parties.count() / 420 < 0.45
    joint = parties.filter(formation=PartyOrganization.Formation.JOINT)
    assert joint.exists() and parties.filter(formation=PartyOrganization.Formation.STANDALONE).exists()
    assert any(p.organizations.count() >= 2 for p in joint)
    under = parties.filter(parent=committee)
    assert under.exists() and set(under.values_list("supervising_unit", flat=True)) == {justice.pk}
    assignments = InstructorAssignment.objects.filter(organization__in=orgs)
    assert assignments.filter(ended_on__isnull=False).exists() and assignments.filter(ended_on__isnull=True).exists()
    years = set(Evaluation.objects.filter(party_organization__in=parties).values_list("round__year", flat=True))
    assert years == {2019, 2020}
    assert Contribution.objects.filter(organization__in=orgs).exists()
    assert PilotAssignment.objects.filter(organization__in=orgs).exists()


def test_seed_scale_on_another_city(beilin, yanta, justice, culture):
    """Any area tree will do: the organisations spread over the registration areas there are."""
    run(60)
    areas = set(seed.scale_organizations().values_list("area__code", flat=True))
    assert areas <= {"610100", "610103", "610113"} and len(areas) >= 2
    assert not Evaluation.objects.exists()  # no rounds, no evaluations
    assert seed.scale_organizations().count() == 60


def test_seed_scale_refuses_a_number_it_cannot_code():
    with pytest.raises(CommandError):
        call_command("seed_scale", orgs=10**9, stdout=StringIO())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY with triggers off is PostgreSQL's path")
def test_references_are_checked_when_triggers_are_off(beilin):
    writer = Writer(connection, seed.WRITTEN)
    if not writer.triggers_off:
        pytest.skip("the database user may not turn triggers off")
    with (
        pytest.raises(IntegrityError, match="organizations_instructorassignment.organization_id"),
        transaction.atomic(),
    ):
        writer.begin_chunk()
        writer.insert(
            InstructorAssignment,
            ("organization_id", "person_name", "role", "started_on"),
            [(987654321, "王伟", "instructor", dt.date(2020, 1, 1))],
        )
        writer.end_chunk()


def test_demo_credit_codes_never_look_like_scale_ones():
    """present() counts on it: no demo organisation's code carries the scale marker."""
    plan = demo.plan_organizations(
        demo.step_rng("organizations"), demo.plan_areas(demo.step_rng("areas")), demo.plan_supervising_units()
    )
    assert len(plan.organizations) > 3800
    assert not [o.credit_code for o in plan.organizations if o.credit_code[8:12] == MARKER]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers are PostgreSQL's path")
@pytest.mark.django_db(transaction=True)
def test_two_writers_commit_the_chunks_in_order():
    """Outside a transaction two connections write two chunks at once; what
    they commit is still the plan, numbered 1 … N without a gap."""
    run(CHUNK + 10)
    assert seed.present() == CHUNK + 10
    codes = seed.scale_organizations().values_list("credit_code", flat=True)
    assert sorted(number_of(code[12:17]) for code in codes) == list(range(1, CHUNK + 11))
    assert written() == planned(CHUNK + 10)


def test_organisations_are_loaded_with_their_stored_coverage():
    """The load writes today's stored coverage itself: the refresh that follows has nothing to rewrite."""
    run(0)
    seed.seed(300)
    assert seed.scale_organizations().count() == 300
    assert refresh_coverage() == 0
    assert seed.scale_organizations().filter(current_coverage="organisational").exists()
    assert seed.scale_organizations().filter(current_must_establish_gap=True).exists()
