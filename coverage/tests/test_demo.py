import datetime as dt

import pytest
from django.core.management import call_command

from coverage.models import Snapshot
from organizations.models import SocialOrganization
from organizations.selectors import coverage_summary

pytestmark = pytest.mark.django_db


def test_seed_recounts_four_half_years_ending_at_the_seed_figures():
    call_command("seed_demo", "--demo-users")
    city = {s.period.code: s for s in Snapshot.objects.filter(scope="city").select_related("period")}
    assert sorted(city) == ["2019H1", "2019H2", "2020H1", "2020H2"]
    end = city["2020H2"]
    live = coverage_summary(SocialOrganization.objects.all(), on=dt.date(2020, 12, 31))
    assert (end.organizations, end.org_covered, end.work_covered) == (
        live["organizations"],
        live["org_covered"],
        live["work_covered"],
    )
    assert (end.organizations, end.party_organizations, end.work_covered) == (3866, 1272, 3866)
    # Growth and rising coverage, not a flat line.
    codes = sorted(city)
    assert [city[c].organizations for c in codes] == sorted(city[c].organizations for c in codes)
    assert [city[c].org_covered for c in codes] == sorted(city[c].org_covered for c in codes)
    assert city["2019H1"].organizations < end.organizations
    # Every area row adds up to the city.
    areas = Snapshot.objects.filter(scope="area", period=end.period)
    assert sum(a.organizations for a in areas) == end.organizations
