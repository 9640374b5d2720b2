"""The figures, on hand-built data whose expected numbers are worked out here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from engagement import selectors
from engagement.models import (
    Contribution,
    PilotAssignment,
    PilotCommunity,
    PlaqueAward,
    TrainingBase,
    TrainingSession,
)
from engagement.tests.factories import (
    ContributionFactory,
    PilotAssignmentFactory,
    PilotCommunityFactory,
    PlaqueAwardFactory,
    TrainingBaseFactory,
    TrainingSessionFactory,
)
from organizations.tests.factories import SocialOrganizationFactory

pytestmark = pytest.mark.django_db

Kind = Contribution.Kind
ALL_FIVE = dict.fromkeys(TrainingBase.FUNCTION_FIELDS.values(), True)


def test_training_figures(beilin, yanta):
    TrainingBaseFactory(area=beilin, is_provincial_point=True, **ALL_FIVE)
    TrainingBaseFactory(area=beilin)  # listening and practising only
    TrainingBaseFactory(area=yanta, is_provincial_point=True, offers_seeing=True)
    # Inactive bases are not counted, provincial or not.
    TrainingBaseFactory(area=beilin, is_provincial_point=True, active=False, **ALL_FIVE)
    figures = selectors.training_base_summary(TrainingBase.objects.all())
    assert figures["bases"] == 3
    assert figures["provincial_points"] == 2
    assert figures["all_five_functions"] == 1
    assert figures["function_listen"] == 3 and figures["function_see"] == 2 and figures["function_assess"] == 1


def test_session_figures(beilin):
    base = TrainingBaseFactory(area=beilin)
    for attendees, secretaries in ((40, 25), (60, 0), (35, 35)):
        TrainingSessionFactory(base=base, attendees=attendees, new_secretaries=secretaries)
    assert selectors.training_session_summary(TrainingSession.objects.all()) == {
        "sessions": 3,
        "attendees": 135,
        "new_secretaries": 60,
    }


def test_pilot_figures(beilin, baojixiang, jixiangcun):
    b_pilot = PilotCommunityFactory(community=baojixiang)
    y_pilot = PilotCommunityFactory(community=jixiangcun)
    orgs = SocialOrganizationFactory.create_batch(3, area=beilin)
    for org in orgs:
        PilotAssignmentFactory(organization=org, community=b_pilot)
    # One organisation serving a second community is still one pilot organisation.
    PilotAssignmentFactory(organization=orgs[0], community=y_pilot)
    PlaqueAwardFactory(organization=orgs[0], community=b_pilot)
    PlaqueAwardFactory(organization=orgs[1], community=b_pilot, agreement_signed=False)
    PlaqueAwardFactory(organization=orgs[0], community=y_pilot, awarded_on=dt.date(2020, 5, 1))

    assert selectors.pilot_community_summary(PilotCommunity.objects.all()) == {"pilot_communities": 2}
    assert selectors.pilot_assignment_summary(PilotAssignment.objects.all()) == {
        "pilot_organizations": 3,
        "assignments": 4,
        "served_communities": 2,
    }
    assert selectors.plaque_summary(PlaqueAward.objects.all()) == {
        "plaques": 3,
        "agreements": 2,
        "plaque_organizations": 2,
    }


def test_contribution_figures_by_kind(beilin):
    org = SocialOrganizationFactory(area=beilin)
    rows = [
        (Kind.POVERTY, "1000.50", "0", 120, False, 0),
        (Kind.POVERTY, "2000.25", "300.00", 0, True, 0),
        (Kind.EPIDEMIC, "500.00", "1234.56", 10, True, 2),
        (Kind.EPIDEMIC, "0", "99.44", 0, True, 1),
        (Kind.EPIDEMIC, "7.00", "0", 5, False, 0),
    ]
    for kind, money, goods, people, exemplary, teams in rows:
        ContributionFactory(
            organization=org,
            kind=kind,
            money_yuan=Decimal(money),
            goods_value_yuan=Decimal(goods),
            people_helped=people,
            is_exemplary_case=exemplary,
            teams_sent=teams,
        )
    summary = selectors.contribution_summary(Contribution.objects.all())
    assert summary[Kind.POVERTY] == {
        "records": 2,
        "money": Decimal("3000.75"),
        "goods": Decimal("300.00"),
        "total": Decimal("3300.75"),
        "people": 120,
        "exemplary_cases": 1,
        "teams": 0,
    }
    assert summary[Kind.EPIDEMIC] == {
        "records": 3,
        "money": Decimal("507.00"),
        "goods": Decimal("1334.00"),
        "total": Decimal("1841.00"),
        "people": 15,
        "exemplary_cases": 2,
        "teams": 3,
    }


def test_empty_sets_give_zeros():
    summary = selectors.contribution_summary(Contribution.objects.none())
    assert summary[Kind.EPIDEMIC]["total"] == Decimal("0") and summary[Kind.POVERTY]["people"] == 0
    assert selectors.training_session_summary(TrainingSession.objects.all())["attendees"] == 0
    assert selectors.training_base_summary(TrainingBase.objects.all())["bases"] == 0


def test_summary_is_scoped(eng, beilin_user, yanta_user, lawyers_user, staff_user):
    beilin = selectors.engagement_summary(beilin_user)
    assert (beilin["training"]["bases"], beilin["training"]["provincial_points"]) == (1, 1)
    assert (beilin["training"]["sessions"], beilin["training"]["new_secretaries"]) == (1, 20)
    assert beilin["pilots"]["pilot_communities"] == 1
    assert beilin["pilots"]["pilot_organizations"] == 2
    assert (beilin["pilots"]["plaques"], beilin["pilots"]["agreements"]) == (1, 1)
    assert beilin["contributions"][Kind.POVERTY]["money"] == Decimal("12000.00")
    assert beilin["contributions"][Kind.EPIDEMIC]["records"] == 0

    yanta = selectors.engagement_summary(yanta_user)
    assert yanta["contributions"][Kind.EPIDEMIC]["total"] == Decimal("8300.50")
    assert yanta["contributions"][Kind.EPIDEMIC]["teams"] == 1
    assert (yanta["pilots"]["plaques"], yanta["pilots"]["agreements"]) == (1, 0)

    lawyers = selectors.engagement_summary(lawyers_user)
    assert lawyers["pilots"]["pilot_communities"] == 2
    assert lawyers["pilots"]["pilot_organizations"] == 2
    assert lawyers["contributions"][Kind.EPIDEMIC]["total"] == Decimal("7500.50")
    assert lawyers["contributions"][Kind.POVERTY]["records"] == 0

    city = selectors.engagement_summary(staff_user)
    assert city["pilots"]["pilot_organizations"] == 3
    assert city["contributions"][Kind.EPIDEMIC]["records"] == 2


@pytest.mark.parametrize("extra", [0, 40])
def test_summary_takes_six_queries_whatever_the_size(eng, staff_user, beilin, django_assert_num_queries, extra):
    ContributionFactory.create_batch(extra, organization=eng.b_org)
    TrainingSessionFactory.create_batch(extra, base=eng.b_base)
    with django_assert_num_queries(6):
        selectors.engagement_summary(staff_user)


def test_pilot_rows_show_only_the_organisations_in_scope(eng, lawyers_user, beilin_user):
    def serving(user):
        rows = selectors.pilot_community_rows(user=user).for_user(user)
        return {row.community.name: {a.organization.name for a in row.serving} for row in rows}

    assert serving(lawyers_user) == {"保吉巷社区": {"碑林律所"}, "吉祥村社区": {"雁塔律所"}}
    assert serving(beilin_user) == {"保吉巷社区": {"碑林律所", "碑林文化协会"}}


@pytest.mark.parametrize("who", ["staff_user", "beilin_user", "yanta_user", "lawyers_user"])
def test_index_figures_read_the_tallies_and_agree_with_the_records(request, eng, who, django_assert_num_queries):
    user = request.getfixturevalue(who)
    records = selectors.engagement_summary(user)
    # The bases and the sessions, then the engagement and the contribution tallies.
    with django_assert_num_queries(4):
        shown = selectors.index_figures(user)
    assert shown["training"] == records["training"]
    assert shown["contributions"] == records["contributions"]
    for name in ("pilot_communities", "pilot_organizations", "plaques", "agreements"):
        assert shown["pilots"][name] == records["pilots"][name], name
