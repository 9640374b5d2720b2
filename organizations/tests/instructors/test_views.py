"""Instructor management pages: scoped lists and workload, assign from a filtered list, end and hand over."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from organizations.models import InstructorAssignment
from organizations.tests.factories import InstructorAssignmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_demo_day")]

LIST = reverse("organizations:instructor-list")
ASSIGN = reverse("organizations:instructor-assign")
WORKLOAD = reverse("organizations:instructor-workload")


@pytest.fixture
def in_yanta(dataset):
    return InstructorAssignmentFactory(organization=dataset.g, person_name="雁塔指导员", started_on=dt.date(2020, 2, 1))


def test_a_district_official_lists_only_their_districts_assignments(login, beilin_user, dataset, in_yanta):
    page = login(beilin_user).get(LIST)
    names = {row.record.organization.name for row in page.context["table"].page.object_list}
    assert names == {"D 基金会", "E 协会"}
    assert "雁塔指导员" not in page.content.decode()
    csv = b"".join(login(beilin_user).get(LIST + "?_export=csv").streaming_content).decode("utf-8-sig")
    assert "D 基金会" in csv and "G 律师事务所" not in csv


def test_workload_counts_today_and_in_all_per_person(login, beilin_user, staff_user, dataset, in_yanta):
    rows = list(login(beilin_user).get(WORKLOAD).context["table"].data)
    assert [(r["person_name"], r["serving"], r["total"]) for r in rows] == [("李指导员", 1, 2)]
    rows = list(login(staff_user).get(WORKLOAD).context["table"].data)
    assert {(r["person_name"], r["serving"], r["total"]) for r in rows} == {("李指导员", 1, 2), ("雁塔指导员", 1, 1)}


def test_opened_from_the_filtered_list_the_form_starts_with_its_organisations(login, beilin_user, dataset):
    client = login(beilin_user)
    listed = client.get(reverse("organizations:organization-list") + "?coverage=uncovered").content.decode()
    assert f'href="{ASSIGN}?coverage=uncovered"' in listed
    form = client.get(ASSIGN + "?coverage=uncovered").context["form"]
    assert set(form.initial["organizations"]) == {dataset.e.pk, dataset.f.pk}


def test_assigning_saves_one_assignment_per_organisation(login, beilin_user, dataset):
    data = {
        "organizations": [dataset.e.pk, dataset.f.pk],
        "person_name": "王指导员",
        "role": "instructor",
        "phone": "029-87654321",
        "started_on": "2020-07-01",
    }
    response = login(beilin_user).post(ASSIGN, data)
    assert response.status_code == 302
    assert set(InstructorAssignment.objects.filter(person_name="王指导员").values_list("organization", flat=True)) == {
        dataset.e.pk,
        dataset.f.pk,
    }


def test_an_organisation_of_another_district_cannot_be_chosen(login, beilin_user, dataset):
    data = {"organizations": [dataset.g.pk], "person_name": "王", "role": "instructor", "started_on": "2020-07-01"}
    response = login(beilin_user).post(ASSIGN, data)
    assert response.status_code == 200 and response.context["form"].errors["organizations"]
    assert not InstructorAssignment.objects.filter(person_name="王").exists()


def test_leadership_reads_but_cannot_assign(login, leader_user, dataset):
    client = login(leader_user)
    assert client.get(LIST).status_code == 200
    assert client.get(ASSIGN).status_code == 403
    assert f'href="{ASSIGN}' not in client.get(reverse("organizations:organization-list")).content.decode()


def test_end_and_hand_over_from_the_assignments_page(login, beilin_user, yanta_user, dataset):
    assignment = InstructorAssignment.objects.get(organization=dataset.d)
    client = login(beilin_user)
    page = client.get(assignment.get_absolute_url()).content.decode()
    assert 'name="hand-over"' in page and 'name="end"' in page
    response = client.post(
        reverse("organizations:instructor-hand-over", args=[assignment.pk]),
        {"person_name": "赵联络员", "role": "liaison", "phone": "", "started_on": "2020-10-01"},
    )
    successor = InstructorAssignment.objects.get(person_name="赵联络员")
    assert response.status_code == 302 and response.url == successor.get_absolute_url()
    response = client.post(reverse("organizations:instructor-end", args=[successor.pk]), {"ended_on": "2021-06-01"})
    assert response.status_code == 200 and "日期不能晚于今天" in response.content.decode()
    assert login(yanta_user).get(successor.get_absolute_url()).status_code == 404
    assert (
        login(yanta_user)
        .post(reverse("organizations:instructor-end", args=[successor.pk]), {"ended_on": "2020-11-01"})
        .status_code
        == 404
    )
