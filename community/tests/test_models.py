from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from community.models import IncubatedOrganization, Need, Project, ServiceItem
from community.tests.factories import IncubatedOrganizationFactory, NeedFactory, ProjectFactory, ServiceItemFactory
from xian_partybuild import clock

pytestmark = pytest.mark.django_db


def test_project_cannot_end_before_it_starts_in_the_database():
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(ends_on=project.starts_on - dt.timedelta(days=1))


def test_completed_project_needs_an_end_in_the_database():
    project = ProjectFactory(ends_on=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(status=Project.Status.COMPLETED)


def test_planned_project_has_served_nobody():
    project = ProjectFactory(status=Project.Status.PLANNED, people_served=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(people_served=5)


def test_unknown_status_is_refused_by_the_database():
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(status="paused")


def test_one_project_per_need_and_service_item():
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(need=project.need, service_item=project.service_item)


def test_need_category_and_source_are_checked_by_the_database():
    need = NeedFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.filter(pk=need.pk).update(category="sport")
    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.filter(pk=need.pk).update(source="rumour")


def test_need_cannot_be_recorded_in_the_future():
    need = NeedFactory.build(recorded_on=clock.today() + dt.timedelta(days=400))
    with pytest.raises(ValidationError) as exc:
        need.clean()
    assert "recorded_on" in exc.value.error_dict


@pytest.mark.parametrize("capacity", [0, 100_001])
def test_capacity_is_bounded(capacity):
    item = ServiceItemFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItem.objects.filter(pk=item.pk).update(capacity=capacity)


def test_registered_incubation_needs_its_date():
    incubated = IncubatedOrganizationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        IncubatedOrganization.objects.filter(pk=incubated.pk).update(status=IncubatedOrganization.Status.REGISTERED)
    IncubatedOrganization.objects.filter(pk=incubated.pk).update(
        status=IncubatedOrganization.Status.REGISTERED, registered_on=dt.date(2020, 9, 1)
    )


def test_incubating_has_no_registration_date_and_none_before_it_started():
    incubated = IncubatedOrganizationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        IncubatedOrganization.objects.filter(pk=incubated.pk).update(registered_on=dt.date(2020, 9, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        IncubatedOrganization.objects.filter(pk=incubated.pk).update(
            status=IncubatedOrganization.Status.REGISTERED, registered_on=dt.date(2020, 1, 1)
        )


def test_model_clean_says_what_is_wrong():
    project = ProjectFactory.build(starts_on=dt.date(2020, 7, 1), ends_on=dt.date(2020, 6, 1))
    with pytest.raises(ValidationError) as exc:
        project.clean()
    assert "ends_on" in exc.value.error_dict
    incubated = IncubatedOrganizationFactory.build(status=IncubatedOrganization.Status.REGISTERED)
    with pytest.raises(ValidationError) as exc:
        incubated.clean()
    assert "registered_on" in exc.value.error_dict
