"""The services hold the rules whatever calls them (form, import, shell)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from engagement import services
from engagement.models import (
    Contribution,
    PilotAssignment,
    PilotCommunity,
    PlaqueAward,
    TrainingBase,
    TrainingSession,
)
from engagement.tests.factories import CommunityFactory
from organizations.tests.factories import SocialOrganizationFactory

pytestmark = pytest.mark.django_db

D = TypeVar("D")


def _base(area, **overrides) -> services.TrainingBaseData:
    fields = {"name": "新基地", "area": area, "host_name": "党群服务中心", "offers_listening": True}
    return services.TrainingBaseData(**(fields | overrides))


def _as_stored(record: models.Model, data_class: type[D], **changes: Any) -> D:
    """Every field the record's form edits, as stored, with `changes`: an update takes them all."""
    stored = {field.name: getattr(record, field.name) for field in dataclasses.fields(data_class)}
    return data_class(**(stored | changes))


def _contribution(org, **overrides) -> services.ContributionData:
    fields = {
        "organization": org,
        "made_on": dt.date(2020, 3, 1),
        "kind": Contribution.Kind.EPIDEMIC,
        "money_yuan": Decimal("100.00"),
    }
    return services.ContributionData(**(fields | overrides))


def _pilot(community, **overrides) -> services.PilotCommunityData:
    return services.PilotCommunityData(**({"community": community, "selected_on": dt.date(2020, 3, 5)} | overrides))


def _assignment(organization, community, **overrides) -> services.PilotAssignmentData:
    fields = {"organization": organization, "community": community, "selected_on": dt.date(2020, 4, 1)}
    return services.PilotAssignmentData(**(fields | overrides))


def _plaque(organization, community, **overrides) -> services.PlaqueAwardData:
    fields = {
        "organization": organization,
        "community": community,
        "awarded_on": dt.date(2020, 5, 1),
        "place": "保吉巷社区",
    }
    return services.PlaqueAwardData(**(fields | overrides))


def _session(base, **overrides) -> services.TrainingSessionData:
    fields = {"base": base, "held_on": dt.date(2020, 6, 1), "topic": "新任书记培训", "attendees": 40}
    return services.TrainingSessionData(**(fields | overrides))


# --------------------------------------------------------------------------
# Creating and updating within scope
# --------------------------------------------------------------------------


def test_district_official_records_a_base_and_a_session(beilin_user, beilin):
    base = services.training_base_create(actor=beilin_user, data=_base(beilin, is_provincial_point=True))
    session = services.training_session_create(actor=beilin_user, data=_session(base, new_secretaries=12))
    assert base.pk and session.base == base
    services.training_session_update(
        actor=beilin_user,
        training_session=session,
        data=_as_stored(session, services.TrainingSessionData, attendees=45),
    )
    session.refresh_from_db()
    assert session.attendees == 45


def test_pilot_community_assignment_plaque(beilin_user, eng, nanyuanmen):
    community = CommunityFactory(parent=nanyuanmen, name="五味什字社区")
    pilot = services.pilot_community_create(actor=beilin_user, data=_pilot(community))
    assignment = services.pilot_assignment_create(
        actor=beilin_user, data=_assignment(eng.b_org, pilot, star_level_at_selection=3)
    )
    plaque = services.plaque_award_create(
        actor=beilin_user,
        data=services.PlaqueAwardData(
            organization=eng.b_org,
            community=pilot,
            awarded_on=dt.date(2020, 5, 6),
            place="碑林区南院门街道保吉巷社区",
            agreement_signed=True,
        ),
    )
    assert assignment.community == plaque.community == pilot


def test_contribution_create_and_update(beilin_user, eng):
    contribution = services.contribution_create(actor=beilin_user, data=_contribution(eng.b_org))
    services.contribution_update(
        actor=beilin_user,
        contribution=contribution,
        data=_as_stored(contribution, services.ContributionData, goods_value_yuan=Decimal("50.00")),
    )
    contribution.refresh_from_db()
    assert contribution.total_yuan == Decimal("150.00")


# --------------------------------------------------------------------------
# Scope and roles
# --------------------------------------------------------------------------


def test_leadership_cannot_write(leader_user, eng, beilin):
    with pytest.raises(PermissionDenied):
        services.training_base_create(actor=leader_user, data=_base(beilin))
    with pytest.raises(PermissionDenied):
        services.contribution_update(
            actor=leader_user,
            contribution=eng.b_contrib,
            data=_as_stored(eng.b_contrib, services.ContributionData, money_yuan=Decimal("1")),
        )
    eng.b_contrib.refresh_from_db()
    assert eng.b_contrib.money_yuan == Decimal("12000.00")


def test_no_base_in_another_district(beilin_user, yanta):
    with pytest.raises(PermissionDenied):
        services.training_base_create(actor=beilin_user, data=_base(yanta))
    assert not TrainingBase.objects.exists()


def test_no_base_hosted_by_another_districts_organisation(beilin_user, eng, beilin):
    with pytest.raises(PermissionDenied):
        services.training_base_create(actor=beilin_user, data=_base(beilin, host_organization=eng.y_org))


def test_no_moving_a_base_out_of_the_district(beilin_user, eng, yanta):
    with pytest.raises(PermissionDenied):
        services.training_base_update(
            actor=beilin_user,
            training_base=eng.b_base,
            data=_as_stored(eng.b_base, services.TrainingBaseData, area=yanta),
        )
    eng.b_base.refresh_from_db()
    assert eng.b_base.area.name == "碑林区"


def test_no_session_at_another_districts_base(beilin_user, eng):
    with pytest.raises(PermissionDenied):
        services.training_session_create(actor=beilin_user, data=_session(eng.y_base, topic="越界", attendees=10))
    with pytest.raises(PermissionDenied):
        services.training_session_update(
            actor=beilin_user,
            training_session=eng.y_session,
            data=_as_stored(eng.y_session, services.TrainingSessionData, attendees=1),
        )
    assert not TrainingSession.objects.filter(topic="越界").exists()


def test_no_pilot_community_in_another_district(beilin_user, jixiangcun, eng):
    other = CommunityFactory(parent=jixiangcun.parent, name="长延堡社区")
    with pytest.raises(PermissionDenied):
        services.pilot_community_create(actor=beilin_user, data=_pilot(other))
    assert not PilotCommunity.objects.filter(community=other).exists()


def test_no_assigning_another_districts_organisation(beilin_user, eng):
    with pytest.raises(PermissionDenied):
        services.pilot_assignment_create(actor=beilin_user, data=_assignment(eng.y_org, eng.b_pilot))
    with pytest.raises(PermissionDenied):
        services.pilot_assignment_create(actor=beilin_user, data=_assignment(eng.b_org, eng.y_pilot))
    assert PilotAssignment.objects.count() == 3


def test_industry_committee_sends_its_organisation_to_any_pilot(lawyers_user, eng):
    # The 条 across the 块: a committee serves communities in every district.
    assignment = services.pilot_assignment_create(actor=lawyers_user, data=_assignment(eng.y_law, eng.b_pilot))
    assert assignment.pk
    with pytest.raises(PermissionDenied):
        services.pilot_assignment_create(actor=lawyers_user, data=_assignment(eng.b_org, eng.y_pilot))


def test_no_plaque_naming_another_districts_community(beilin_user, eng):
    PilotAssignment.objects.create(organization=eng.b_org, community=eng.y_pilot, selected_on=dt.date(2020, 4, 1))
    with pytest.raises(PermissionDenied):
        services.plaque_award_create(actor=beilin_user, data=_plaque(eng.b_org, eng.y_pilot, place="雁塔"))
    assert PlaqueAward.objects.count() == 2


def test_industry_user_only_for_its_organisations(lawyers_user, eng):
    with pytest.raises(PermissionDenied):
        services.contribution_create(actor=lawyers_user, data=_contribution(eng.y_org))
    contribution = services.contribution_create(actor=lawyers_user, data=_contribution(eng.b_law))
    assert contribution.pk
    with pytest.raises(PermissionDenied):
        services.contribution_update(
            actor=lawyers_user,
            contribution=eng.b_contrib,
            data=_as_stored(eng.b_contrib, services.ContributionData, money_yuan=Decimal("1")),
        )


def test_no_moving_a_contribution_to_another_districts_organisation(beilin_user, eng):
    with pytest.raises(PermissionDenied):
        services.contribution_update(
            actor=beilin_user,
            contribution=eng.b_contrib,
            data=_as_stored(eng.b_contrib, services.ContributionData, organization=eng.y_org),
        )
    eng.b_contrib.refresh_from_db()
    assert eng.b_contrib.organization == eng.b_org


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


def test_validation_errors_name_the_field(staff_user, eng):
    with pytest.raises(ValidationError) as exc:
        services.training_session_create(
            actor=staff_user, data=_session(eng.b_base, held_on=dt.date(2020, 6, 2), attendees=5, new_secretaries=9)
        )
    assert "new_secretaries" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.contribution_create(actor=staff_user, data=_contribution(eng.b_org, money_yuan=Decimal("-1")))
    assert "money_yuan" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.contribution_create(actor=staff_user, data=_contribution(eng.b_org, money_yuan=Decimal("0")))
    assert exc.value.messages  # nothing recorded at all


def test_plaque_must_pair_the_organisation_with_a_community_it_serves(staff_user, eng):
    with pytest.raises(ValidationError) as exc:
        services.plaque_award_create(actor=staff_user, data=_plaque(eng.y_org, eng.b_pilot))
    assert "community" in exc.value.message_dict


def test_a_community_is_piloted_once(staff_user, eng):
    with pytest.raises(ValidationError):
        services.pilot_community_create(actor=staff_user, data=_pilot(eng.baojixiang, selected_on=dt.date(2020, 3, 1)))


def test_deregistered_organisation_is_not_assigned(staff_user, eng, beilin):
    gone = SocialOrganizationFactory(area=beilin, status="deregistered", deregistered_on=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError):
        services.pilot_assignment_create(actor=staff_user, data=_assignment(gone, eng.b_pilot))
