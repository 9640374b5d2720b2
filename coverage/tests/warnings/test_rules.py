"""The early-warning rules: each holds for exactly its records, with its boundaries."""

import pytest

from coverage.models import EarlyWarning
from coverage.tests.warnings.records import (
    CASES,
    DAY,
    TODAY,
    Rule,
    healthy_org,
    healthy_party,
    key,
    open_warnings,
    secretary_vacant,
    update,
)
from coverage.warnings import rules
from coverage.warnings.scan import warning_scan
from organizations.models import PartyOrganization, SocialOrganization
from political.models import PoliticalBuilding

pytestmark = pytest.mark.django_db


def test_every_rule_has_a_case_and_a_description():
    assert set(CASES) == set(Rule) == set(rules.RULES) == set(rules.RULE_DESCRIPTIONS)


def test_healthy_records_raise_nothing(beilin):
    healthy_party(beilin)
    healthy_org(beilin, formal_party_members=0)
    result = warning_scan(today=TODAY)
    assert result["opened"] == result["closed"] == 0
    assert not EarlyWarning.objects.exists()


@pytest.mark.parametrize("rule", list(CASES))
def test_rule_opens_then_clears(rule, beilin, culture):
    record, clear = CASES[rule](beilin)
    update(record, supervising_unit=culture)

    result = warning_scan(today=TODAY)
    assert open_warnings() == {(rule, key(record))}
    assert result[f"{rule}_opened"] == result["opened"] == 1
    warning = EarlyWarning.objects.get()
    assert (warning.area, warning.supervising_unit, warning.opened_on) == (beilin, culture, TODAY)
    assert (warning.party_organization_id or warning.organization_id) == record.pk

    clear()
    later = TODAY + 7 * DAY
    result = warning_scan(today=later)
    assert result[f"{rule}_closed"] == result["closed"] == 1
    assert result["opened"] == 0
    warning.refresh_from_db()
    assert (warning.status, warning.closed_on) == (EarlyWarning.Status.CLOSED, later)
    assert open_warnings() == set()


@pytest.mark.parametrize("rule", list(CASES))
def test_second_scan_opens_nothing(rule, beilin):
    CASES[rule](beilin)
    first = warning_scan(today=TODAY)
    second = warning_scan(today=TODAY + DAY)
    assert first["opened"] == EarlyWarning.objects.count() == 1
    assert second["opened"] == second["closed"] == second["moved"] == 0
    assert EarlyWarning.objects.count() == 1


def test_a_cleared_warning_reopens_as_a_new_warning(beilin):
    party, clear = secretary_vacant(beilin)
    warning_scan(today=TODAY)
    clear()
    warning_scan(today=TODAY + DAY)
    update(party, secretary="")
    warning_scan(today=TODAY + 2 * DAY)
    statuses = list(EarlyWarning.objects.order_by("pk").values_list("status", "opened_on", "closed_on"))
    assert statuses == [("closed", TODAY, TODAY + DAY), ("open", TODAY + 2 * DAY, None)]


def test_one_record_can_carry_several_rules(beilin):
    party = healthy_party(beilin, secretary="", member_count=1, last_activity_on=None)
    result = warning_scan(today=TODAY)
    expected = {(Rule.SECRETARY_VACANT, key(party)), (Rule.TOO_FEW_MEMBERS, key(party)), (Rule.NO_ACTIVITY, key(party))}
    assert open_warnings() == expected
    assert result["opened"] == len(expected)


def test_the_dataset(dataset, beilin, yanta, justice):
    """The conftest dataset as of 2021-01-15: no branch has recorded any
    activity; H is deregistered under its still-active branch; C (4 members,
    only a joint branch) and G (3 members, none) must establish; A (5 members,
    its own branch since 2019) has no party building in its charter."""
    d = dataset
    result = warning_scan(today=TODAY)
    assert open_warnings() == {
        (Rule.NO_ACTIVITY, key(d.p_a)),
        (Rule.NO_ACTIVITY, key(d.joint)),
        (Rule.NO_ACTIVITY, key(d.p_h)),
        (Rule.DEREGISTERED_ACTIVE, key(d.p_h)),
        (Rule.MUST_ESTABLISH, key(d.c)),
        (Rule.MUST_ESTABLISH, key(d.g)),
        (Rule.CHARTER_MISSING, key(d.a)),
    }
    assert result["opened"] == 7
    g = EarlyWarning.objects.get(organization=d.g)
    assert (g.area, g.supervising_unit) == (yanta, justice)


# --- Boundaries ------------------------------------------------------------


def test_no_activity_boundaries(beilin):
    cutoff = TODAY - rules.DORMANT_AFTER
    on_cutoff = healthy_party(beilin, last_activity_on=cutoff)
    before_cutoff = healthy_party(beilin, last_activity_on=cutoff - DAY)
    young = healthy_party(beilin, last_activity_on=None, established_on=cutoff)
    old_silent = healthy_party(beilin, last_activity_on=None, established_on=cutoff - DAY)
    matching = set(rules.rule_matches(Rule.NO_ACTIVITY, today=TODAY).values_list("pk", flat=True))
    assert matching == {before_cutoff.pk, old_silent.pk}
    assert on_cutoff.pk not in matching and young.pk not in matching


def test_term_due_today_is_not_overdue(beilin):
    healthy_party(beilin, term_due_on=TODAY)
    assert not rules.rule_matches(Rule.TERM_OVERDUE, today=TODAY).exists()


def test_too_few_members_only_for_standalone_branches(beilin):
    healthy_party(beilin, member_count=1, formation=PartyOrganization.Formation.JOINT)
    healthy_party(beilin, member_count=1, kind=PartyOrganization.Kind.COMMITTEE)
    branch = healthy_party(beilin, member_count=1)
    assert list(rules.rule_matches(Rule.TOO_FEW_MEMBERS, today=TODAY)) == [branch]


def test_deregistered_active_needs_every_covered_organisation_gone(beilin):
    gone = healthy_org(beilin, status=SocialOrganization.Status.DEREGISTERED, deregistered_on=TODAY - DAY)
    healthy_party(beilin, organizations=[gone, healthy_org(beilin)], formation=PartyOrganization.Formation.JOINT)
    healthy_party(beilin, organizations=[])  # covers nothing: incomplete, not left behind
    both_gone = healthy_party(
        beilin,
        organizations=[gone, healthy_org(beilin, status="deregistered", deregistered_on=TODAY - DAY)],
        formation=PartyOrganization.Formation.JOINT,
    )
    assert list(rules.rule_matches(Rule.DEREGISTERED_ACTIVE, today=TODAY)) == [both_gone]


def test_must_establish_boundaries(beilin):
    grace = TODAY - rules.ESTABLISH_GRACE
    healthy_org(beilin, formal_party_members=3, registered_on=grace)  # exactly 90 days: still in grace
    late = healthy_org(beilin, formal_party_members=3, registered_on=grace - DAY)
    healthy_org(beilin, formal_party_members=2, registered_on=grace - DAY)  # too few to must-establish
    jointly = healthy_org(beilin, formal_party_members=5, registered_on=grace - DAY)
    healthy_party(beilin, organizations=[jointly], formation=PartyOrganization.Formation.JOINT)
    owned = healthy_org(beilin, formal_party_members=5, registered_on=grace - DAY)
    healthy_party(beilin, organizations=[owned])
    matching = set(rules.rule_matches(Rule.MUST_ESTABLISH, today=TODAY))
    # A joint party organisation does not satisfy 应建必建.
    assert matching == {late, jointly}


def test_no_setup_contact_boundaries(beilin):
    window = TODAY - rules.NEW_REGISTRATION_WINDOW
    inside = healthy_org(beilin, registered_on=window, setup_contact=" ")
    healthy_org(beilin, registered_on=window - DAY, setup_contact="")
    healthy_org(beilin, registered_on=TODAY - DAY, setup_contact="有人")
    assert list(rules.rule_matches(Rule.NO_SETUP_CONTACT, today=TODAY)) == [inside]


def test_dissolved_and_deregistered_records_raise_nothing(beilin):
    healthy_party(beilin, secretary="", status=PartyOrganization.Status.DISSOLVED, dissolved_on=TODAY - DAY)
    healthy_org(
        beilin,
        registered_on=TODAY - 30 * DAY,
        setup_contact="",
        formal_party_members=9,
        status=SocialOrganization.Status.DEREGISTERED,
        deregistered_on=TODAY - DAY,
    )
    assert warning_scan(today=TODAY)["opened"] == 0


def test_charter_missing_boundaries(beilin):
    year = TODAY - rules.CHARTER_GRACE

    def must_establish_with_branch(established_on, **fields):
        org = healthy_org(beilin, formal_party_members=3)
        healthy_party(beilin, organizations=[org], established_on=established_on, **fields)
        return org

    a_year = must_establish_with_branch(year)  # exactly a year: no more grace
    must_establish_with_branch(year + DAY)  # not yet a year
    must_establish_with_branch(year - DAY, formation=PartyOrganization.Formation.JOINT)  # not its own
    written = must_establish_with_branch(year - DAY)
    PoliticalBuilding.objects.create(organization=written, charter_on=TODAY)
    late = must_establish_with_branch(year - DAY)
    # Written into the charter only after the day asked about: still missing then.
    PoliticalBuilding.objects.create(organization=late, charter_on=TODAY + DAY)
    few = healthy_org(beilin, formal_party_members=2)  # not must-establish
    healthy_party(beilin, organizations=[few], established_on=year - DAY)
    assert set(rules.rule_matches(Rule.CHARTER_MISSING, today=TODAY)) == {a_year, late}
