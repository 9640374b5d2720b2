"""The workload tally (organizations/instructors/workload.py) always equals
what the assignments yield, for every user's scope, after every kind of
write: assign, edit (another person, phone, role or organisation), end, hand
over, delete, an organisation moved to another district or unit, a
deregistered organisation deleted, the ledger import, the daily rebuild on a
later day; and the workload page reads it in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coverage.ledgers.imports import services as imports
from coverage.tests.ledgers.files import csv_bytes, preview, row
from organizations.coverage_state import assignment_current_on
from organizations.instructors import services, workload
from organizations.instructors.selectors import workload_rows
from organizations.instructors.services import Person
from organizations.models import Area, InstructorAssignment, InstructorLoad
from organizations.tasks import refresh_coverage_daily
from organizations.tests.factories import AreaFactory, InstructorAssignmentFactory, SocialOrganizationFactory
from ui.pagination import CappedPaginator
from xian_partybuild import clock

# Every column, so that two writes of the same rows list them alike.
LOAD_ORDER = ("person_name", "phone", "role", "citywide", "area", "supervising_unit", "serving", "total")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_demo_day")]

JULY = dt.date(2020, 7, 1)
WANG = Person(name="王指导员", phone="029-87654321")


@pytest.fixture
def users(beilin_user, yanta_user, lawyers_user, staff_user):
    return [beilin_user, yanta_user, lawyers_user, staff_user]


def from_the_records(user) -> list[tuple]:
    """What the page showed before the tally: every assignment in scope, grouped per person."""
    rows = (
        InstructorAssignment.objects.for_user(user)
        .values("person_name", "phone", "role")
        .annotate(serving=Count("pk", filter=assignment_current_on(clock.today())), total=Count("pk"))
    )
    return sorted((r["person_name"], r["phone"], r["role"], r["serving"], r["total"]) for r in rows)


def from_the_tally(user) -> list[tuple]:
    return sorted((r["person_name"], r["phone"], r["role"], r["serving"], r["total"]) for r in workload_rows(user=user))


def assert_true_for(users) -> None:
    for user in users:
        assert from_the_tally(user) == from_the_records(user), user.username


def test_every_kind_of_write_leaves_the_tally_as_the_records_yield_it(users, beilin_user, dataset, justice):
    assert_true_for(users)
    assert InstructorLoad.objects.exists()  # the dataset's two assignments are already in it

    # Assign one person to two organisations (one service call, one save each).
    first, second = services.instructors_assign(
        actor=beilin_user, organizations=[dataset.e, dataset.f], person=WANG, started_on=JULY
    )
    assert_true_for(users)
    assert ("王指导员", "029-87654321", "instructor", 2, 2) in from_the_tally(beilin_user)

    # End one, hand the other over to someone else.
    services.assignment_end(actor=beilin_user, assignment=first, on=dt.date(2020, 11, 30))
    services.assignment_hand_over(
        actor=beilin_user, assignment=second, person=Person(name="赵联络员", role="liaison"), on=dt.date(2020, 9, 1)
    )
    assert_true_for(users)

    # Edit an assignment: another phone, another role, another organisation (in another district).
    second.refresh_from_db()
    second.phone = "13800000000"
    second.save()
    assert_true_for(users)
    second.role = InstructorAssignment.Role.LIAISON
    second.organization = dataset.g
    second.save()
    assert_true_for(users)

    # The organisation moves district and supervising unit: its persons' cells move with it.
    dataset.d.area = dataset.g.area
    dataset.d.supervising_unit = justice
    dataset.d.save()
    assert_true_for(users)

    # Delete an assignment, then an organisation with its assignments.
    first.delete()
    assert_true_for(users)
    gone = SocialOrganizationFactory(area=dataset.a.area)
    InstructorAssignmentFactory(organization=gone, person_name="临时指导员", started_on=JULY)
    assert_true_for(users)
    InstructorAssignment.objects.filter(organization=gone).delete()
    gone.delete()
    assert_true_for(users)
    assert not InstructorLoad.objects.filter(person_name="临时指导员").exists()


def test_a_ledger_import_that_moves_an_organisation_moves_its_persons(users, beilin_user, dataset, justice):
    # D 基金会 (碑林区, with the dataset's instructor) comes back in a ledger under the justice bureau:
    # the industry committee's workload now counts its instructor, the culture cell no longer.
    d = dataset.d
    content = csv_bytes(
        [
            row(
                credit_code=d.credit_code,
                name=d.name,
                category=d.get_category_display(),
                supervising_unit=justice.name,
                formal_party_members=str(d.formal_party_members),
                setup_path="",
                setup_contact="",
            )
        ]
    )
    record, result = preview(beilin_user, content)
    assert result.ok, result.all_problems
    before = from_the_tally(users[2])
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    d.refresh_from_db()
    assert d.supervising_unit == justice
    assert from_the_tally(users[2]) != before
    assert_true_for(users)


def test_an_area_moved_in_the_tree_takes_its_persons_to_the_areas_it_now_lies_in(users, beilin, yanta):
    # A zone registered under 碑林区: the district's rows count its organisations' persons too.
    zone = AreaFactory(code="610103-Z1", name="碑林园区", level=Area.Level.ZONE, parent=beilin)
    inner = AreaFactory(code="610103-Z1-1", name="园区一期", level=Area.Level.ZONE, parent=zone)
    InstructorAssignmentFactory(organization=SocialOrganizationFactory(area=zone), person_name="园区指导员")
    InstructorAssignmentFactory(organization=SocialOrganizationFactory(area=inner), person_name="园区指导员")
    assert_true_for(users)
    assert ("园区指导员", "", "instructor", 2, 2) in from_the_tally(users[0])

    zone.parent = yanta
    zone.save()
    inner.refresh_from_db()
    assert inner.path.startswith(yanta.path)  # the subtree moved along
    assert_true_for(users)
    assert "园区指导员" not in {r[0] for r in from_the_tally(users[0])}
    assert "园区指导员" in {r[0] for r in from_the_tally(users[1])}


def test_a_scope_reads_its_own_rows_without_grouping(users):
    for user in users:
        sql = str(workload_rows(user=user).query).upper()
        assert "GROUP BY" not in sql and "SUM(" not in sql, user.username


def test_a_later_day_changes_who_serves_and_the_daily_job_follows(users, dataset):
    InstructorAssignmentFactory(
        organization=dataset.a, person_name="年底离任", started_on=JULY, ended_on=dt.date(2021, 1, 15)
    )
    assert_true_for(users)
    with override_settings(CLOCK_TODAY="2021-02-01"):
        # Nothing was written, yet the person no longer serves: the tally is a day behind until the job runs.
        assert from_the_tally(users[-1]) != from_the_records(users[-1])
        refresh_coverage_daily()
        assert_true_for(users)
        refresh_coverage_daily()  # twice does no harm
        assert_true_for(users)


def test_a_rebuild_and_a_person_refresh_write_the_same_rows(users, dataset):
    InstructorAssignmentFactory(organization=dataset.a, person_name="李指导员", phone="", started_on=JULY)
    rows = list(
        InstructorLoad.objects.values_list(
            "person_name", "phone", "role", "citywide", "area", "serving", "total"
        ).order_by(*LOAD_ORDER)
    )
    workload.rebuild_workload()
    assert (
        list(
            InstructorLoad.objects.values_list(
                "person_name", "phone", "role", "citywide", "area", "serving", "total"
            ).order_by(*LOAD_ORDER)
        )
        == rows
    )
    assert_true_for(users)


def test_the_workload_page_reads_the_tally_in_fixed_queries(login, staff_user, beilin_user, dataset):
    page = reverse("organizations:instructor-workload")
    counts = {}
    for user in (staff_user, beilin_user):
        client = login(user)
        client.get(page)
        with CaptureQueriesContext(connection) as few:
            client.get(page)
        for index in range(30):
            InstructorAssignmentFactory(organization=dataset.a, person_name=f"指导员{index}", started_on=JULY)
        with CaptureQueriesContext(connection) as many:
            response = client.get(page)
        assert len(many) == len(few)
        assert len(response.context["table"].page.object_list) == 25
        counts[user.username] = len(many)
        InstructorAssignment.objects.filter(person_name__startswith="指导员").delete()
    # Session, user, the page's count and its rows (a district's also its area for the scope).
    assert counts == {staff_user.username: 4, beilin_user.username: 5}


def test_past_the_cap_the_page_says_so_and_offers_the_busiest(login, staff_user, dataset, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    for index in range(5):
        InstructorAssignmentFactory(organization=dataset.a, person_name=f"指导员{index}", started_on=JULY)
    assert len(from_the_tally(staff_user)) > 3
    response = login(staff_user).get(reverse("organizations:instructor-workload"), {"per_page": 25})
    assert 'class="capped" data-cap="3"' in response.content.decode()
    assert len(response.context["table"].page.object_list) == 3
    # Busiest first: the page's rows are the tally's first three.
    shown = [row.record["serving"] for row in response.context["table"].page.object_list]
    assert shown == sorted((r[3] for r in from_the_tally(staff_user)), reverse=True)[:3]
