"""The stored current coverage always equals what the records yield.

After every kind of write (create, edit, deregister, cover, uncover,
instructor start and end, party organisation dissolved or deleted, import)
the fields stored on each organisation must equal the coverage computed
from the records as of today; and what changes by the calendar alone is
put right by the daily job."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings

from organizations import services
from organizations.coverage_state import refresh_coverage
from organizations.creditcode import check_character
from organizations.models import CoverageState, InstructorAssignment, PartyOrganization, SocialOrganization
from organizations.selectors import with_coverage
from organizations.tasks import refresh_coverage_daily
from organizations.tests.factories import (
    InstructorAssignmentFactory,
    SocialOrganizationFactory,
)
from xian_partybuild import clock

pytestmark = pytest.mark.django_db

STORED_AS = {
    "coverage_state": "current_coverage",
    "org_covered": "current_org_covered",
    "has_own_party_org": "current_own_party_org",
    "has_instructor": "current_instructor",
    "must_establish_not_established": "current_must_establish_gap",
}


def computed_and_stored() -> tuple[dict, dict]:
    """Each organisation's coverage computed from the records as of today, and as stored."""
    computed = {
        row["pk"]: {name: row[name] for name in STORED_AS}
        for row in with_coverage(SocialOrganization.objects.all(), on=clock.today()).values("pk", *STORED_AS)
    }
    stored = {
        row["pk"]: {name: row[field] for name, field in STORED_AS.items()}
        for row in SocialOrganization.objects.values("pk", *STORED_AS.values())
    }
    # A deregistered organisation has no gap whatever its dates say.
    for pk in SocialOrganization.objects.exclude(status="active").values_list("pk", flat=True):
        computed[pk]["must_establish_not_established"] = False
    return computed, stored


def assert_stored_is_true() -> None:
    computed, stored = computed_and_stored()
    assert stored == computed


def code(body: str) -> str:
    return body + check_character(body)


def state_of(organization: SocialOrganization) -> str:
    return SocialOrganization.objects.values_list("current_coverage", flat=True).get(pk=organization.pk)


def org_data(organization: SocialOrganization, **changes) -> services.OrganizationData:
    fields = {f.name for f in dataclasses.fields(services.OrganizationData)}
    values = {name: getattr(organization, name) for name in fields}
    return services.OrganizationData(**{**values, **changes})


def party_data(party: PartyOrganization, **changes) -> services.PartyOrganizationData:
    fields = {f.name for f in dataclasses.fields(services.PartyOrganizationData)}
    values = {name: getattr(party, name) for name in fields}
    return services.PartyOrganizationData(**{**values, **changes})


def test_the_hand_built_dataset_is_stored_as_computed(dataset):
    assert_stored_is_true()
    assert state_of(dataset.a) == CoverageState.ORGANISATIONAL
    assert state_of(dataset.d) == CoverageState.WORK_ONLY
    assert state_of(dataset.e) == CoverageState.UNCOVERED  # its instructor left in 2020
    assert state_of(dataset.f) == CoverageState.UNCOVERED  # its branch was dissolved
    gaps = set(SocialOrganization.objects.filter(current_must_establish_gap=True).values_list("name", flat=True))
    # C is covered only by a joint branch; G has none; H is deregistered.
    assert gaps == {"C 服务中心", "G 律师事务所"}


def test_create_and_edit_through_the_services(dataset, beilin, staff_user):
    organization, _ = services.organization_create(
        actor=staff_user,
        data=services.OrganizationData(
            name="新 协会",
            credit_code=code("51610103MJ0000001"),
            category=SocialOrganization.Category.SOCIAL_GROUP,
            area=beilin,
            registered_on=dt.date(2020, 5, 1),
            staff_count=10,
            formal_party_members=4,
        ),
    )
    assert organization.pk
    assert SocialOrganization.objects.get(pk=organization.pk).current_must_establish_gap is True
    assert_stored_is_true()

    services.organization_update(
        actor=staff_user, organization=organization, data=org_data(organization, formal_party_members=1)
    )
    assert SocialOrganization.objects.get(pk=organization.pk).current_must_establish_gap is False
    assert_stored_is_true()


def test_deregistration_ends_the_gap(dataset, staff_user):
    assert SocialOrganization.objects.get(pk=dataset.g.pk).current_must_establish_gap is True
    services.organization_deregister(actor=staff_user, organization=dataset.g, on=dt.date(2020, 10, 1))
    assert SocialOrganization.objects.get(pk=dataset.g.pk).current_must_establish_gap is False
    assert_stored_is_true()


def test_cover_and_uncover_through_the_party_services(dataset, beilin, staff_user):
    party = services.party_organization_create(
        actor=staff_user,
        data=services.PartyOrganizationData(
            name="E 协会党支部",
            formation=PartyOrganization.Formation.STANDALONE,
            area=beilin,
            established_on=dt.date(2020, 8, 1),
        ),
        organizations=[dataset.e],
    )
    assert state_of(dataset.e) == CoverageState.ORGANISATIONAL
    assert_stored_is_true()

    # The joint branch gives up C: C keeps nothing but its gap.
    services.party_organization_update(
        actor=staff_user, party_organization=dataset.joint, data=party_data(dataset.joint), organizations=[dataset.b]
    )
    assert state_of(dataset.c) == CoverageState.UNCOVERED
    assert_stored_is_true()

    # Dissolving E's new branch uncovers E.
    services.party_organization_update(
        actor=staff_user,
        party_organization=party,
        data=party_data(party, status=PartyOrganization.Status.DISSOLVED, dissolved_on=dt.date(2020, 12, 1)),
        organizations=[dataset.e],
    )
    assert state_of(dataset.e) == CoverageState.UNCOVERED
    assert_stored_is_true()


def test_links_changed_from_either_side_and_cleared_and_deleted(dataset):
    dataset.e.party_organizations.add(dataset.p_a)
    assert state_of(dataset.e) == CoverageState.ORGANISATIONAL
    assert_stored_is_true()
    dataset.e.party_organizations.remove(dataset.p_a)
    assert state_of(dataset.e) == CoverageState.UNCOVERED
    dataset.joint.organizations.clear()
    assert state_of(dataset.b) == CoverageState.UNCOVERED
    assert_stored_is_true()
    dataset.p_a.delete()
    assert state_of(dataset.a) == CoverageState.UNCOVERED
    assert SocialOrganization.objects.get(pk=dataset.a.pk).current_must_establish_gap is True
    assert_stored_is_true()


def test_instructor_start_end_move_and_delete(dataset):
    assignment = InstructorAssignmentFactory(organization=dataset.g, started_on=dt.date(2020, 2, 1))
    assert state_of(dataset.g) == CoverageState.WORK_ONLY
    assert_stored_is_true()
    assignment.ended_on = clock.today() - dt.timedelta(days=1)
    assignment.save()
    assert state_of(dataset.g) == CoverageState.UNCOVERED
    assert_stored_is_true()
    # Moved to another organisation: both are right afterwards.
    current = InstructorAssignment.objects.get(organization=dataset.d)
    current.organization = dataset.g
    current.save()
    assert state_of(dataset.d) == CoverageState.UNCOVERED
    assert state_of(dataset.g) == CoverageState.WORK_ONLY
    current.delete()
    assert state_of(dataset.g) == CoverageState.UNCOVERED
    assert_stored_is_true()


def test_import_refreshes_the_rows_it_writes(dataset, beilin, staff_user):
    created = SocialOrganizationFactory.build(
        name="导入 协会", area=beilin, formal_party_members=6, credit_code=code("51610103MJ0000002")
    )
    updated = SocialOrganization.objects.get(pk=dataset.g.pk)
    updated.formal_party_members = 0
    services.organizations_import(
        actor=staff_user, creates=[created], updates=[updated], update_fields=["formal_party_members"]
    )
    assert SocialOrganization.objects.get(credit_code=code("51610103MJ0000002")).current_must_establish_gap is True
    assert SocialOrganization.objects.get(pk=dataset.g.pk).current_must_establish_gap is False
    assert_stored_is_true()


def test_the_calendar_alone_is_put_right_by_the_daily_job(dataset):
    today = clock.today()
    InstructorAssignmentFactory(organization=dataset.g, started_on=dt.date(2020, 2, 1), ended_on=today)
    # Ends today: still counts today, not tomorrow.
    assert state_of(dataset.g) == CoverageState.WORK_ONLY
    tomorrow = today + dt.timedelta(days=1)
    with override_settings(CLOCK_TODAY=tomorrow):
        computed, stored = computed_and_stored()
        assert computed[dataset.g.pk]["coverage_state"] == CoverageState.UNCOVERED
        assert stored[dataset.g.pk]["coverage_state"] == CoverageState.WORK_ONLY  # stale until the job runs
        assert refresh_coverage_daily() == 1
        assert_stored_is_true()
        # A second run finds nothing to write.
        assert refresh_coverage_daily() == 0


def test_refresh_writes_only_what_changed(dataset):
    assert refresh_coverage() == 0
    SocialOrganization.objects.filter(pk=dataset.a.pk).update(
        current_coverage=CoverageState.UNCOVERED, current_org_covered=False, current_own_party_org=False
    )
    assert refresh_coverage() == 1
    assert_stored_is_true()


def test_the_database_refuses_answers_that_contradict_one_another(dataset):
    with pytest.raises(IntegrityError), transaction.atomic():
        SocialOrganization.objects.filter(pk=dataset.d.pk).update(current_coverage=CoverageState.ORGANISATIONAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        SocialOrganization.objects.filter(pk=dataset.b.pk).update(current_org_covered=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        SocialOrganization.objects.filter(pk=dataset.e.pk).update(current_own_party_org=True)


def test_a_service_edit_of_a_loaded_row_with_a_gap_saves(dataset, staff_user):
    # Loaded with its stored gap, edited below the threshold: the save must
    # not trip over the old stored answer, and the refresh puts it right.
    organization = SocialOrganization.objects.get(pk=dataset.g.pk)
    assert organization.current_must_establish_gap is True
    services.organization_update(
        actor=staff_user, organization=organization, data=org_data(organization, formal_party_members=2)
    )
    assert SocialOrganization.objects.get(pk=dataset.g.pk).current_must_establish_gap is False
    assert_stored_is_true()


def test_the_list_reads_the_stored_state_in_one_query(dataset, django_assert_num_queries):
    rows = with_coverage(SocialOrganization.objects.all())
    with django_assert_num_queries(1) as captured:
        states = dict(rows.values_list("name", "coverage_state"))
    assert "EXISTS" not in captured.captured_queries[0]["sql"].upper()
    assert states["D 基金会"] == CoverageState.WORK_ONLY
