"""Invariants the database keeps whatever writes the rows, and the scope of every model."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

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
    TrainingBaseFactory,
)
from organizations.models import SocialOrganization
from organizations.tests.factories import SocialOrganizationFactory

pytestmark = pytest.mark.django_db


def _refused(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


# --------------------------------------------------------------------------
# Database constraints (written with objects.create: no model validation)
# --------------------------------------------------------------------------


def test_a_base_needs_a_host(beilin):
    _refused(lambda: TrainingBase.objects.create(name="无主基地", area=beilin, offers_listening=True))
    TrainingBase.objects.create(name="服务中心基地", area=beilin, host_name="碑林区党群服务中心", offers_listening=True)


def test_a_base_offers_at_least_one_function(beilin):
    _refused(lambda: TrainingBase.objects.create(name="空基地", area=beilin, host_name="某中心"))


def test_base_names_are_unique(beilin):
    TrainingBaseFactory(name="同名基地", area=beilin)
    _refused(lambda: TrainingBaseFactory(name="同名基地", area=beilin))


def test_new_secretaries_cannot_exceed_attendees(beilin):
    base = TrainingBaseFactory(area=beilin)
    _refused(
        lambda: TrainingSession.objects.create(
            base=base, held_on=dt.date(2020, 6, 1), topic="超员", attendees=10, new_secretaries=11
        )
    )
    _refused(
        lambda: TrainingSession.objects.create(
            base=base, held_on=dt.date(2020, 6, 1), topic="负数", attendees=-1, new_secretaries=0
        )
    )
    TrainingSession.objects.create(
        base=base, held_on=dt.date(2020, 6, 1), topic="满员", attendees=10, new_secretaries=10
    )


def test_one_pilot_per_community(baojixiang):
    PilotCommunityFactory(community=baojixiang)
    _refused(lambda: PilotCommunity.objects.create(community=baojixiang, selected_on=dt.date(2020, 3, 1)))


def test_an_organisation_serves_a_pilot_once(beilin, baojixiang):
    org = SocialOrganizationFactory(area=beilin)
    pilot = PilotCommunityFactory(community=baojixiang)
    PilotAssignmentFactory(organization=org, community=pilot)
    _refused(lambda: PilotAssignment.objects.create(organization=org, community=pilot, selected_on=dt.date(2020, 4, 2)))


@pytest.mark.parametrize("stars", [0, 6])
def test_star_level_runs_from_one_to_five(beilin, baojixiang, stars):
    org = SocialOrganizationFactory(area=beilin)
    pilot = PilotCommunityFactory(community=baojixiang)
    _refused(
        lambda: PilotAssignment.objects.create(
            organization=org, community=pilot, selected_on=dt.date(2020, 4, 2), star_level_at_selection=stars
        )
    )


@pytest.mark.parametrize("field", ["money_yuan", "goods_value_yuan"])
def test_amounts_cannot_be_negative(beilin, field):
    org = SocialOrganizationFactory(area=beilin)
    _refused(
        lambda: Contribution.objects.create(
            organization=org,
            made_on=dt.date(2020, 2, 1),
            kind=Contribution.Kind.EPIDEMIC,
            people_helped=5,
            **{field: Decimal("-0.01")},
        )
    )


@pytest.mark.parametrize("field", ["people_helped", "teams_sent"])
def test_counts_cannot_be_negative(beilin, field):
    org = SocialOrganizationFactory(area=beilin)
    _refused(
        lambda: Contribution.objects.create(
            organization=org,
            made_on=dt.date(2020, 2, 1),
            kind=Contribution.Kind.EPIDEMIC,
            money_yuan=Decimal("1"),
            **{field: -1},
        )
    )


def test_a_contribution_records_something(beilin):
    org = SocialOrganizationFactory(area=beilin)
    _refused(
        lambda: Contribution.objects.create(
            organization=org, made_on=dt.date(2020, 2, 1), kind=Contribution.Kind.POVERTY
        )
    )
    # An exemplary case alone is something.
    Contribution.objects.create(
        organization=org, made_on=dt.date(2020, 2, 1), kind=Contribution.Kind.EPIDEMIC, is_exemplary_case=True
    )


def test_one_plaque_per_organisation_and_day(beilin):
    org = SocialOrganizationFactory(area=beilin)
    PlaqueAward.objects.create(organization=org, awarded_on=dt.date(2020, 4, 26), place="保吉巷社区")
    _refused(lambda: PlaqueAward.objects.create(organization=org, awarded_on=dt.date(2020, 4, 26), place="别处"))


# --------------------------------------------------------------------------
# Model validation: field-level messages
# --------------------------------------------------------------------------


def _errors(instance) -> dict:
    with pytest.raises(ValidationError) as exc:
        instance.full_clean()
    return exc.value.message_dict


def test_base_area_is_a_registration_area(baojixiang):
    base = TrainingBase(name="社区基地", area=baojixiang, host_name="某中心", offers_listening=True)
    assert "area" in _errors(base)


def test_base_without_host_or_functions_is_refused_field_by_field(beilin):
    errors = _errors(TrainingBase(name="空", area=beilin))
    assert {"host_name", "offers_listening"} <= set(errors)


def test_session_validation(beilin):
    base = TrainingBaseFactory(area=beilin)
    errors = _errors(TrainingSession(base=base, held_on=dt.date(2999, 1, 1), topic="t", attendees=5, new_secretaries=6))
    assert {"held_on", "new_secretaries"} <= set(errors)


def test_pilot_community_must_be_a_community(nanyuanmen):
    assert "community" in _errors(PilotCommunity(community=nanyuanmen, selected_on=dt.date(2020, 3, 1)))


def test_deregistered_organisation_cannot_serve_a_pilot(beilin, baojixiang):
    gone = SocialOrganizationFactory(
        area=beilin, status=SocialOrganization.Status.DEREGISTERED, deregistered_on=dt.date(2020, 1, 1)
    )
    pilot = PilotCommunityFactory(community=baojixiang)
    errors = _errors(PilotAssignment(organization=gone, community=pilot, selected_on=dt.date(2020, 4, 1)))
    assert "organization" in errors


def test_star_level_validated_before_the_database(beilin, baojixiang):
    org = SocialOrganizationFactory(area=beilin)
    pilot = PilotCommunityFactory(community=baojixiang)
    errors = _errors(
        PilotAssignment(organization=org, community=pilot, selected_on=dt.date(2020, 4, 1), star_level_at_selection=6)
    )
    assert "star_level_at_selection" in errors


def test_plaque_community_must_be_served_by_the_organisation(eng):
    plaque = PlaqueAward(
        organization=eng.y_org, community=eng.b_pilot, awarded_on=dt.date(2020, 4, 26), place="保吉巷社区"
    )
    assert "community" in _errors(plaque)
    plaque.organization = eng.b_law
    plaque.full_clean()


def test_negative_amount_is_a_field_error(beilin):
    org = SocialOrganizationFactory(area=beilin)
    contribution = Contribution(
        organization=org, made_on=dt.date(2020, 2, 1), kind=Contribution.Kind.EPIDEMIC, money_yuan=Decimal("-5")
    )
    assert "money_yuan" in _errors(contribution)


def test_functions_in_order(beilin):
    base = TrainingBaseFactory(area=beilin, offers_assessing=True, offers_seeing=True)
    assert base.functions == [
        TrainingBase.Function.LISTEN,
        TrainingBase.Function.SEE,
        TrainingBase.Function.PRACTISE,
        TrainingBase.Function.ASSESS,
    ]
    assert len(base.function_labels) == 4


def test_total_is_money_plus_goods(beilin):
    contribution = ContributionFactory(
        organization__area=beilin, money_yuan=Decimal("10.50"), goods_value_yuan=Decimal("4.25")
    )
    assert contribution.total_yuan == Decimal("14.75")


# --------------------------------------------------------------------------
# Scope
# --------------------------------------------------------------------------

MODELS = {
    "bases": (TrainingBase, "name"),
    "sessions": (TrainingSession, "topic"),
    "pilots": (PilotCommunity, "community__name"),
    "assignments": (PilotAssignment, "organization__name"),
    "plaques": (PlaqueAward, "organization__name"),
    "contributions": (Contribution, "description"),
}

EXPECTED = {
    "beilin_user": {
        "bases": {"碑林基地"},
        "sessions": {"碑林培训"},
        "pilots": {"保吉巷社区"},
        "assignments": {"碑林文化协会", "碑林律所"},
        "plaques": {"碑林文化协会"},
        "contributions": {"碑林扶贫"},
    },
    "yanta_user": {
        "bases": {"雁塔基地"},
        "sessions": {"雁塔培训"},
        "pilots": {"吉祥村社区"},
        "assignments": {"雁塔律所"},
        "plaques": {"雁塔律所"},
        "contributions": {"雁塔律所抗疫", "雁塔医疗队"},
    },
    # The industry committee: only what its own organisations are part of,
    # in whichever district.
    "lawyers_user": {
        "bases": {"雁塔基地"},
        "sessions": {"雁塔培训"},
        "pilots": {"保吉巷社区", "吉祥村社区"},
        "assignments": {"碑林律所", "雁塔律所"},
        "plaques": {"雁塔律所"},
        "contributions": {"雁塔律所抗疫"},
    },
}


@pytest.mark.parametrize("user_fixture", sorted(EXPECTED))
@pytest.mark.parametrize("key", sorted(MODELS))
def test_for_user(request, eng, user_fixture, key):
    model, label = MODELS[key]
    user = request.getfixturevalue(user_fixture)
    assert set(model.objects.for_user(user).values_list(label, flat=True)) == EXPECTED[user_fixture][key]


@pytest.mark.parametrize("key", sorted(MODELS))
def test_citywide_users_see_all_and_others_nothing(eng, staff_user, leader_user, django_user_model, key):
    model, _label = MODELS[key]
    assert model.objects.for_user(staff_user).count() == model.objects.count() > 0
    assert model.objects.for_user(leader_user).count() == model.objects.count()
    nobody = django_user_model.objects.create(username="nobody")
    assert not model.objects.for_user(nobody).exists()


def test_a_community_served_twice_by_one_industry_is_one_row(eng, lawyers_user, justice, beilin):
    PilotAssignmentFactory(
        organization=SocialOrganizationFactory(area=beilin, supervising_unit=justice), community=eng.b_pilot
    )
    assert PilotCommunity.objects.for_user(lawyers_user).filter(pk=eng.b_pilot.pk).count() == 1
