"""Writes: the row is made on the first save, audited, scoped, validated."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from audit.models import AuditEntry
from organizations.tests.factories import SocialOrganizationFactory
from political.models import PoliticalBuilding
from political.services import PoliticalBuildingData, political_building_save

pytestmark = pytest.mark.django_db


def test_first_save_makes_the_row_and_a_second_changes_it(beilin, beilin_user):
    org = SocialOrganizationFactory(area=beilin)
    saved = political_building_save(
        actor=beilin_user, organization=org, data=PoliticalBuildingData(charter_on=dt.date(2020, 3, 1))
    )
    assert saved.organization == org and saved.charter_on == dt.date(2020, 3, 1)
    again = political_building_save(
        actor=beilin_user,
        organization=org,
        data=PoliticalBuildingData(
            charter_on=dt.date(2020, 3, 1),
            members_in_management=2,
            management_on_committee=1,
            cross_appointed_on=dt.date(2020, 9, 1),
        ),
    )
    assert again.pk == saved.pk and PoliticalBuilding.objects.count() == 1
    assert again.cross_appointed
    # Both writes are in the audit log, the second with what changed.
    entries = AuditEntry.objects.filter(object_id=str(saved.pk), content_type__model="politicalbuilding")
    assert entries.count() == 2
    assert "cross_appointed_on" in entries.order_by("pk").last().changes


def test_another_district_and_the_leader_cannot_write(beilin, yanta_user, leader_user):
    org = SocialOrganizationFactory(area=beilin)
    for user in (yanta_user, leader_user):
        with pytest.raises(PermissionDenied):
            political_building_save(actor=user, organization=org, data=PoliticalBuildingData())
    assert not PoliticalBuilding.objects.exists()


def test_cross_appointment_needs_both_counts_and_a_date(beilin, beilin_user):
    org = SocialOrganizationFactory(area=beilin)
    with pytest.raises(ValidationError) as err:
        political_building_save(
            actor=beilin_user,
            organization=org,
            data=PoliticalBuildingData(members_in_management=1, management_on_committee=1),
        )
    assert "cross_appointed_on" in err.value.message_dict
    with pytest.raises(ValidationError):
        political_building_save(
            actor=beilin_user,
            organization=org,
            data=PoliticalBuildingData(members_in_management=1, cross_appointed_on=dt.date(2020, 1, 1)),
        )


def test_the_database_refuses_a_dated_cross_appointment_without_counts(beilin):
    org = SocialOrganizationFactory(area=beilin)
    with pytest.raises(IntegrityError), transaction.atomic():
        PoliticalBuilding.objects.create(organization=org, cross_appointed_on=dt.date(2020, 1, 1))


def test_dates_cannot_be_in_the_future(beilin, beilin_user):
    org = SocialOrganizationFactory(area=beilin)
    with pytest.raises(ValidationError) as err:
        political_building_save(
            actor=beilin_user, organization=org, data=PoliticalBuildingData(consultation_on=dt.date(2999, 1, 1))
        )
    assert "consultation_on" in err.value.message_dict
