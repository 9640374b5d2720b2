"""The demo seed reproduces the source's headline figures from its own records."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command

from accounts.models import User
from conftest import demo_seeded_once
from organizations import demo
from organizations.creditcode import code_warnings, validate_credit_code
from organizations.models import Area, InstructorAssignment, PartyOrganization, SocialOrganization, SupervisingUnit
from organizations.selectors import coverage_summary, party_organization_summary

# Every test sees the demo (whichever run first), and writes inside its own transaction.
seeded = demo_seeded_once("--demo-users")
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def _row_counts() -> dict[str, int]:
    models = (Area, SupervisingUnit, SocialOrganization, PartyOrganization, InstructorAssignment, User)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["links"] = PartyOrganization.organizations.through.objects.count()
    return counts


def _digest(rows) -> str:
    return hashlib.sha256("\n".join(sorted("\t".join(map(str, row)) for row in rows)).encode()).hexdigest()


def test_headline_figures(seeded):
    coverage = coverage_summary(SocialOrganization.objects.all())
    party = party_organization_summary(PartyOrganization.objects.all())
    assert coverage["organizations"] == 3866
    assert party["total"] == 1272
    # 工作覆盖 held at 100%, while organisational coverage still has work to do.
    assert coverage["work_covered"] == coverage["organizations"]
    assert coverage["org_covered"] < coverage["organizations"]
    assert 0.65 <= coverage["org_coverage_rate"] <= 0.75
    assert 10 <= coverage["must_establish_not_established"] <= 20
    # The same as of the reporting date, not only today.
    at_year_end = coverage_summary(SocialOrganization.objects.all(), on=demo.AS_OF)
    assert at_year_end["work_covered"] == at_year_end["organizations"] == 3866
    # Deregistered organisations and dissolved branches stay on record, uncounted.
    assert SocialOrganization.objects.filter(status=SocialOrganization.Status.DEREGISTERED).exists()
    assert PartyOrganization.objects.filter(status=PartyOrganization.Status.DISSOLVED).exists()
    assert "Active social organisations: 3866" in seeded


def test_every_credit_code_is_valid_and_matches_its_record(seeded):
    rows = list(SocialOrganization.objects.values_list("credit_code", "category", "area__division_code"))
    assert len({code for code, _category, _division in rows}) == len(rows)
    for code, category, division in rows:
        validate_credit_code(code)
        # The prefix fits the category and the division is the area's own.
        assert code_warnings(code, category) == []
        assert code[2:8] == division


def test_party_organisations_are_consistent(seeded):
    standalone = PartyOrganization.objects.filter(formation=PartyOrganization.Formation.STANDALONE)
    for party in standalone.prefetch_related("organizations"):
        covered = list(party.organizations.all())
        assert len(covered) == 1
        assert covered[0].formal_party_members >= 3  # 应建必建
        assert party.established_on > covered[0].registered_on
    joint_branches = PartyOrganization.objects.filter(
        formation=PartyOrganization.Formation.JOINT, kind=PartyOrganization.Kind.BRANCH
    )
    for party in joint_branches.prefetch_related("organizations"):
        covered = list(party.organizations.all())
        assert 2 <= len(covered) <= 8
        assert {o.area_id for o in covered} == {party.area_id}
        assert party.member_count == sum(o.formal_party_members for o in covered) >= 1
    lawyers = PartyOrganization.objects.get(name="西安市律师行业党委")
    assert lawyers.children.exists()
    assert not lawyers.organizations.exists()


def test_rerun_changes_nothing(seeded):
    before = _row_counts()
    out = io.StringIO()
    call_command("seed_demo", "--demo-users", stdout=out)
    assert _row_counts() == before
    assert "organizations: skipped" in out.getvalue()


def test_if_empty_does_nothing_when_data_exists(seeded):
    before = _row_counts()
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert _row_counts() == before
    assert "nothing seeded" in out.getvalue()


def test_seed_is_deterministic(seeded):
    written = _digest(
        SocialOrganization.objects.values_list("name", "credit_code", "registered_on", "formal_party_members")
    )
    # Plan again from fresh generators, without the database.
    areas = demo.plan_areas(demo.step_rng("areas"))
    plan = demo.plan_organizations(demo.step_rng("organizations"), areas, demo.plan_supervising_units())
    planned = _digest((o.name, o.credit_code, o.registered_on, o.formal_party_members) for o in plan.organizations)
    assert written == planned
    assert _digest(PartyOrganization.objects.values_list("name", "established_on")) == _digest(
        (p.name, p.established_on) for p in plan.party_organizations
    )


def test_demo_users(seeded):
    beilin = User.objects.get(username="beilin")
    assert (beilin.role, beilin.area.name, beilin.first_name) == (User.Role.DISTRICT, "碑林区", "碑林区组织部")
    yanta = User.objects.get(username="yanta")
    assert (yanta.role, yanta.area.name) == (User.Role.DISTRICT, "雁塔区")
    lawyers = User.objects.get(username="lawyers")
    assert lawyers.role == User.Role.INDUSTRY
    assert lawyers.supervising_unit.name == "西安市司法局"
    assert lawyers.supervising_unit.has_industry_committee
    assert lawyers.supervising_unit.industry_committee_name == "西安市律师行业党委"
    staff = User.objects.get(username="staff")
    assert (staff.role, staff.is_staff) == (User.Role.STAFF, False)
    assert User.objects.get(username="leader").role == User.Role.LEADER
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.role == User.Role.STAFF
    # Each scope sees its own share of the data, and only that.
    beilin_orgs = SocialOrganization.objects.for_user(beilin)
    assert beilin_orgs.exists()
    assert not beilin_orgs.exclude(area__path__startswith=beilin.area.path).exists()
    lawyer_orgs = SocialOrganization.objects.for_user(lawyers)
    assert set(lawyer_orgs.values_list("category", flat=True)) == {SocialOrganization.Category.LAW_FIRM}


def test_demo_passwords(seeded, settings):
    for username in ("beilin", "yanta", "lawyers", "staff", "leader", "admin"):
        assert User.objects.get(username=username).check_password(settings.DEMO_PASSWORD)


def test_baojixiang_community(seeded):
    community = Area.objects.select_related("parent__parent").get(name="保吉巷社区")
    assert community.level == Area.Level.COMMUNITY
    assert community.parent.name == "南院门街道"
    assert community.parent.level == Area.Level.SUBDISTRICT
    assert community.parent.parent.name == "碑林区"
    assert community.registration_area().code == "610103"
    assert Area.objects.filter(level=Area.Level.COMMUNITY).count() >= 150
