"""The organisation's scope copied onto its contributions, plaques and pilot
assignments (migration 0003's triggers) equals the organisation's own after
every kind of write, and the lists' scope, which now reads the copies, still
follows the organisation."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from engagement import services as engagement
from engagement.models import Contribution, PilotAssignment, PlaqueAward
from organizations import services as organizations
from organizations.models import SocialOrganization

from .scope_copies import COPIES, mismatches


def org_data(organization: SocialOrganization, **changes) -> organizations.OrganizationData:
    fields = {f.name for f in dataclasses.fields(organizations.OrganizationData)}
    return organizations.OrganizationData(**{**{n: getattr(organization, n) for n in fields}, **changes})


def test_records_made_by_factories_and_services_carry_their_organisations_scope(eng, staff_user):
    assert mismatches() == []
    made = engagement.contribution_create(
        actor=staff_user,
        data=engagement.ContributionData(
            organization=eng.b_law, kind=Contribution.Kind.EPIDEMIC, made_on=dt.date(2020, 2, 1), people_helped=3
        ),
    )
    stored = Contribution.objects.values_list("organization_area_id", "organization_unit_id").get(pk=made.pk)
    assert stored == (eng.b_law.area_id, eng.b_law.supervising_unit_id)
    assert stored[1] is not None  # the organisation has a unit: not a NULL matching a NULL
    assert mismatches() == []


def test_bulk_create_and_raw_sql_carry_it_too(eng):
    Contribution.objects.bulk_create(
        [
            Contribution(
                organization=eng.y_law, kind=Contribution.Kind.POVERTY, made_on=dt.date(2020, 1, 9), teams_sent=1
            )
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PlaqueAward._meta.db_table} (organization_id, awarded_on, place, agreement_signed) "
            "VALUES (%s, %s, %s, %s)",
            [eng.b_law.pk, dt.date(2020, 7, 1), "碑林区", False],
        )
    assert Contribution.objects.filter(organization_unit=eng.y_law.supervising_unit, made_on=dt.date(2020, 1, 9))
    assert PlaqueAward.objects.filter(organization_area=eng.b_law.area, organization_unit=eng.b_law.supervising_unit)
    assert mismatches() == []


def test_a_copy_cannot_be_set_to_anything_else(eng, culture):
    Contribution.objects.filter(pk=eng.y_contrib.pk).update(organization_area=eng.b_org.area, organization_unit=culture)
    PilotAssignment.objects.filter(pk=eng.y_assign.pk).update(organization_unit=culture)
    assert mismatches() == []


def test_a_record_given_to_another_organisation_takes_its_scope(eng, staff_user):
    engagement.contribution_update(
        actor=staff_user,
        contribution=eng.b_contrib,
        data=engagement.ContributionData(
            organization=eng.y_law,
            kind=eng.b_contrib.kind,
            made_on=eng.b_contrib.made_on,
            money_yuan=Decimal("12000.00"),
        ),
    )
    stored = Contribution.objects.values_list("organization_area_id", "organization_unit_id").get(pk=eng.b_contrib.pk)
    assert stored == (eng.y_law.area_id, eng.y_law.supervising_unit_id)
    assert mismatches() == []


def test_an_organisation_that_moves_takes_its_records_along(eng, yanta, culture, staff_user, beilin_user, yanta_user):
    b_law_records = {
        Contribution: set(Contribution.objects.filter(organization=eng.b_law).values_list("pk", flat=True)),
        PlaqueAward: set(PlaqueAward.objects.filter(organization=eng.b_law).values_list("pk", flat=True)),
    }
    assert Contribution.objects.for_user(beilin_user).filter(organization=eng.b_org).exists()
    organizations.organization_update(
        actor=staff_user, organization=eng.b_org, data=org_data(eng.b_org, area=yanta, supervising_unit=None)
    )
    assert mismatches() == []
    # The district that now registers it sees its records; the one before does not.
    assert not Contribution.objects.for_user(beilin_user).filter(organization=eng.b_org).exists()
    assert set(Contribution.objects.for_user(yanta_user).filter(organization=eng.b_org)) == {eng.b_contrib}
    assert set(PlaqueAward.objects.for_user(yanta_user).filter(organization=eng.b_org)) == {eng.b_plaque}
    # Another organisation's records stay where they were.
    assert Contribution.objects.filter(organization=eng.b_law, organization_area=eng.b_law.area).count() == len(
        b_law_records[Contribution]
    )

    # And back under a unit: the industry committee sees its pilot assignment again.
    organizations.organization_update(
        actor=staff_user,
        organization=eng.b_org,
        data=org_data(SocialOrganization.objects.get(pk=eng.b_org.pk), supervising_unit=culture),
    )
    assert PilotAssignment.objects.get(pk=eng.b_assign.pk).organization_unit_id == culture.pk
    assert mismatches() == []


def test_the_import_moves_them_too(eng, yanta, staff_user, lawyers_user):
    moved = SocialOrganization.objects.get(pk=eng.b_law.pk)
    moved.area = yanta
    moved.supervising_unit = None
    organizations.organizations_import(
        actor=staff_user, creates=[], updates=[moved], update_fields=["area", "supervising_unit"]
    )
    assert mismatches() == []
    assert not PilotAssignment.objects.for_user(lawyers_user).filter(organization=eng.b_law).exists()
    assert PilotAssignment.objects.for_user(lawyers_user).filter(organization=eng.y_law).exists()


@pytest.mark.parametrize("model", list(COPIES))
def test_the_lists_scope_reads_the_copy_not_the_organisation(model, eng, beilin_user, lawyers_user):
    for user in (beilin_user, lawyers_user):
        # Unsorted: the default order shows the organisation's name, which does join it.
        sql = str(model.objects.for_user(user).order_by().query)
        assert SocialOrganization._meta.db_table not in sql, sql
