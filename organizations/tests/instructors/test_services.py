"""Assign, end and hand over instructor assignments through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coverage.models import Snapshot
from coverage.recount import services as recount
from organizations.instructors import services
from organizations.instructors.services import Person
from organizations.models import CoverageState, InstructorAssignment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_demo_day")]

JULY = dt.date(2020, 7, 1)
WANG = Person(name="王指导员", phone="029-87654321")


def test_one_person_to_many_organisations_covers_them_by_work(beilin_user, dataset):
    uncovered = [dataset.e, dataset.f]
    assert {o.current_coverage for o in uncovered} == {CoverageState.UNCOVERED}
    recount.recount_run(period="2020H2")
    before = Snapshot.objects.get(period__year=2020, period__half=2, scope="city").work_covered
    created = services.instructors_assign(actor=beilin_user, organizations=uncovered, person=WANG, started_on=JULY)
    assert [(a.organization, a.person_name, a.phone, a.started_on) for a in created] == [
        (org, "王指导员", "029-87654321", JULY) for org in uncovered
    ]
    # The stored coverage follows at once; the figures at the next recount.
    for org in uncovered:
        org.refresh_from_db()
        assert org.current_coverage == CoverageState.WORK_ONLY
    recount.recount_run(period="2020H2")
    after = Snapshot.objects.get(period__year=2020, period__half=2, scope="city").work_covered
    assert after == before + len(uncovered)


def test_an_organisation_outside_the_scope_refuses_the_whole_press(beilin_user, dataset):
    with pytest.raises(ValidationError, match="G 律师事务所"):
        services.instructors_assign(
            actor=beilin_user, organizations=[dataset.e, dataset.g], person=WANG, started_on=JULY
        )
    assert not InstructorAssignment.objects.filter(person_name="王指导员").exists()


def test_the_same_person_twice_on_one_organisation_is_refused(beilin_user, dataset):
    services.instructors_assign(actor=beilin_user, organizations=[dataset.e], person=WANG, started_on=JULY)
    with pytest.raises(ValidationError, match="E 协会"):
        services.instructors_assign(
            actor=beilin_user, organizations=[dataset.e, dataset.f], person=WANG, started_on=JULY
        )
    assert InstructorAssignment.objects.filter(person_name="王指导员").count() == 1


def test_leadership_cannot_assign_and_dates_cannot_lie_ahead(leader_user, beilin_user, dataset):
    with pytest.raises(PermissionDenied):
        services.instructors_assign(actor=leader_user, organizations=[dataset.e], person=WANG, started_on=JULY)
    with pytest.raises(ValidationError):
        services.instructors_assign(
            actor=beilin_user, organizations=[dataset.e], person=WANG, started_on=dt.date(2021, 1, 1)
        )
    with pytest.raises(ValidationError):
        services.instructors_assign(actor=beilin_user, organizations=[], person=WANG, started_on=JULY)


def test_ending_uncovers_and_handing_over_keeps_the_organisation_covered(beilin_user, dataset):
    (assignment,) = services.instructors_assign(
        actor=beilin_user, organizations=[dataset.e], person=WANG, started_on=JULY
    )
    successor = services.assignment_hand_over(
        actor=beilin_user, assignment=assignment, person=Person(name="赵联络员", role="liaison"), on=dt.date(2020, 9, 1)
    )
    assignment.refresh_from_db()
    assert assignment.ended_on == dt.date(2020, 8, 31) and successor.started_on == dt.date(2020, 9, 1)
    dataset.e.refresh_from_db()
    assert dataset.e.current_coverage == CoverageState.WORK_ONLY
    with pytest.raises(ValidationError):
        services.assignment_end(actor=beilin_user, assignment=assignment, on=dt.date(2020, 10, 1))
    services.assignment_end(actor=beilin_user, assignment=successor, on=dt.date(2020, 11, 30))
    dataset.e.refresh_from_db()
    assert dataset.e.current_coverage == CoverageState.UNCOVERED


def test_another_districts_assignment_cannot_be_ended(yanta_user, beilin_user, dataset):
    (assignment,) = services.instructors_assign(
        actor=beilin_user, organizations=[dataset.e], person=WANG, started_on=JULY
    )
    with pytest.raises(PermissionDenied):
        services.assignment_end(actor=yanta_user, assignment=assignment, on=dt.date(2020, 10, 1))
