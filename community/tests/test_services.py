from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from community import services
from community.models import Category, Need, Project
from community.tests.factories import ServiceItemFactory
from engagement.tests.factories import PilotAssignmentFactory
from organizations.tests.factories import SocialOrganizationFactory
from xian_partybuild import clock

pytestmark = pytest.mark.django_db


def _need_data(pilot, **changes):
    values = {
        "community": pilot,
        "category": Category.EMPLOYMENT,
        "description": "就业指导",
        "source": Need.Source.HOME_VISIT,
        "recorded_on": dt.date(2020, 8, 1),
    }
    return services.NeedData(**{**values, **changes})


def _project_data(need, item, **changes):
    values = {"need": need, "service_item": item, "name": "助餐", "starts_on": dt.date(2020, 9, 1)}
    return services.ProjectData(**{**values, **changes})


def test_district_official_records_a_need_in_their_community(cm, beilin_user):
    need = services.need_create(actor=beilin_user, data=_need_data(cm.b_pilot))
    assert need.pk and need.community == cm.b_pilot
    assert AuditEntry.objects.filter(object_id=str(need.pk), content_type__model="need", user=beilin_user).exists()


def test_district_official_cannot_record_a_need_in_another_district(cm, beilin_user):
    with pytest.raises(PermissionDenied):
        services.need_create(actor=beilin_user, data=_need_data(cm.y_pilot))
    assert not Need.objects.filter(community=cm.y_pilot, category=Category.EMPLOYMENT).exists()


def test_leader_and_lawyers_cannot_write(cm, leader_user, lawyers_user):
    for user in (leader_user, lawyers_user):
        with pytest.raises(PermissionDenied):
            services.need_create(actor=user, data=_need_data(cm.b_pilot))


def test_project_with_an_organisation_not_serving_the_community_is_refused(cm, beilin_user):
    with pytest.raises(ValidationError) as exc:
        services.project_create(actor=beilin_user, data=_project_data(cm.b_need_open, cm.b_other_item))
    message = " ".join(exc.value.message_dict["service_item"])
    assert "碑林另一协会" in message and "保吉巷社区" in message
    assert not Project.objects.filter(need=cm.b_need_open).exists()


def test_project_with_a_serving_organisation_meets_the_need(cm, beilin_user):
    project = services.project_create(
        actor=beilin_user, data=_project_data(cm.b_need_open, cm.b_item, status=Project.Status.RUNNING)
    )
    assert project.meets_need


def test_project_dates_are_checked(cm, beilin_user):
    with pytest.raises(ValidationError) as exc:
        services.project_create(
            actor=beilin_user,
            data=_project_data(cm.b_need_open, cm.b_item, ends_on=dt.date(2020, 8, 1)),
        )
    assert "ends_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.project_create(
            actor=beilin_user, data=_project_data(cm.b_need_open, cm.b_item, status=Project.Status.COMPLETED)
        )
    assert "ends_on" in exc.value.message_dict


def test_need_in_the_future_is_refused(cm, beilin_user):
    with pytest.raises(ValidationError) as exc:
        services.need_create(
            actor=beilin_user, data=_need_data(cm.b_pilot, recorded_on=clock.today() + dt.timedelta(days=400))
        )
    assert "recorded_on" in exc.value.message_dict


def test_project_update_cannot_move_to_another_districts_need(cm, beilin_user):
    with pytest.raises(PermissionDenied):
        services.project_update(actor=beilin_user, project=cm.b_project, data=_project_data(cm.y_need, cm.y_item))


def test_district_official_sees_but_does_not_change_a_serving_municipal_organisations_item(cm, city, beilin_user):
    municipal = SocialOrganizationFactory(name="市级服务中心", area=city)
    PilotAssignmentFactory(organization=municipal, community=cm.b_pilot)
    item = ServiceItemFactory(organization=municipal)
    project = services.project_create(actor=beilin_user, data=_project_data(cm.b_need_open, item))
    assert project.pk
    with pytest.raises(PermissionDenied):
        services.service_item_update(
            actor=beilin_user,
            service_item=item,
            data=services.ServiceItemData(
                organization=municipal, category=Category.ELDERLY, description="改", capacity=10
            ),
        )


def test_incubated_organisation_registered_needs_its_date(cm, beilin_user):
    data = services.IncubatedOrganizationData(
        community=cm.b_pilot, name="新孵化", started_on=dt.date(2020, 5, 1), status="registered"
    )
    with pytest.raises(ValidationError) as exc:
        services.incubated_organization_create(actor=beilin_user, data=data)
    assert "registered_on" in exc.value.message_dict
