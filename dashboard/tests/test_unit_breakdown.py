"""An industry committee's dashboard: its unit broken down by district, from
the recount's by-district rows (Snapshot.Scope.UNIT_AREA), never an empty
"no data" chart because area rows mix every industry."""

import pytest
from django.urls import reverse

from coverage.models import Snapshot
from coverage.recount import services
from organizations.tests.factories import SocialOrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_districts(recounted, beilin, justice):
    firm = SocialOrganizationFactory(name="碑林律所", area=beilin, supervising_unit=justice, formal_party_members=0)
    services.recount_run(period="2020H2")
    return firm


def test_recount_writes_the_units_figures_by_district_adding_up_to_the_unit(justice, two_districts):
    rows = {
        row.scope_key: row
        for row in Snapshot.objects.filter(period__year=2020, period__half=2, supervising_unit=justice)
    }
    unit = rows[str(justice.pk)]
    by_district = [row for row in rows.values() if row.scope == Snapshot.Scope.UNIT_AREA]
    assert sorted((row.scope_key, row.label, row.organizations) for row in by_district) == [
        (f"{justice.pk}:610103", "碑林区", 1),
        (f"{justice.pk}:610113", "雁塔区", 1),
    ]
    for figure in ("organizations", "org_covered", "work_covered", "must_establish", "formal_party_members"):
        assert getattr(unit, figure) == sum(getattr(row, figure) for row in by_district), figure


def test_units_without_an_industry_committee_get_no_district_rows(culture, recounted):
    assert not Snapshot.objects.filter(scope=Snapshot.Scope.UNIT_AREA, supervising_unit=culture).exists()


def test_industry_committees_area_chart_shows_its_unit_by_district(login, lawyers_user, two_districts):
    client = login(lawyers_user)
    chart = client.get(reverse("dashboard:chart-coverage-by-area"), {"period": "2020H2"}).json()
    assert chart["labels"] == ["碑林区", "雁塔区"]
    # Each bar opens exactly the organisations its rate counts as covered.
    for dataset_links, dataset_counts in zip(chart["links"], chart["counts"], strict=True):
        for link, count in zip(dataset_links, dataset_counts, strict=True):
            listed = client.get(link)
            assert listed.context["table"].paginator.count == count


def test_district_officials_chart_is_unchanged_by_the_unit_rows(login, beilin_user, two_districts):
    # Their district's sub-districts (none recorded here), no unit's rows.
    chart = login(beilin_user).get(reverse("dashboard:chart-coverage-by-area"), {"period": "2020H2"}).json()
    assert chart["labels"] == ["未填街道"]
