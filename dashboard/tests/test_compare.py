"""Two half-years side by side, for the user's own scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coverage.models import Snapshot
from coverage.recount import services
from organizations.tests.factories import SocialOrganizationFactory

pytestmark = pytest.mark.django_db

COMPARE = reverse("dashboard:compare")


def _figures(response) -> dict:
    assert response.status_code == 200
    return {f.name: f for f in response.context["comparison"].figures}


def test_defaults_to_the_latest_and_the_one_before(login, staff_user, recounted):
    response = login(staff_user).get(COMPARE)
    assert (response.context["a"].code, response.context["b"].code) == ("2020H1", "2020H2")


def test_city_figures_and_differences(login, staff_user, recounted):
    figures = _figures(login(staff_user).get(COMPARE + "?a=2020H1&b=2020H2"))
    # The hand-built city (conftest.dataset): H and F's branch went in the first half-year, E's instructor on 30 June.
    assert (figures["organizations"].a, figures["organizations"].b) == (7, 7)
    assert (figures["work_covered"].a, figures["work_covered"].b, figures["work_covered"].delta) == (5, 4, -1)
    assert figures["must_establish_not_established"].b == 2
    for name in ("organizations", "org_coverage_rate", "work_covered", "must_establish_not_established"):
        city = {s.period.code: getattr(s, name) for s in Snapshot.objects.filter(scope="city")}
        assert (figures[name].a, figures[name].b) == (city["2020H1"], city["2020H2"])
        assert figures[name].a_url and "period=2020H1" in figures[name].a_url
        assert "period=2020H2" in figures[name].b_url


def test_the_order_asked_for_is_kept(login, staff_user, recounted):
    figures = _figures(login(staff_user).get(COMPARE + "?a=2020H2&b=2020H1"))
    assert figures["work_covered"].delta == 1


def test_a_district_compares_its_own_area_only(login, beilin_user, recounted, yanta):
    client = login(beilin_user)
    for query in ("", "?a=2020H1&b=2020H2", f"?a=2020H1&b=2020H2&area={yanta.pk}", "?scope=city"):
        response = client.get(COMPARE + query)
        comparison = response.context["comparison"]
        assert comparison.b_snapshot.label == "碑林区", query
        assert _figures(response)["organizations"].b == 6
        assert "雁塔" not in response.content.decode()
        urls = [url for f in comparison.figures for url in (f.a_url, f.b_url) if url]
        assert urls and not [url for url in urls if f"area={yanta.pk}" in url], query


def test_query_count_does_not_grow(login, staff_user, recounted, beilin, django_assert_num_queries):
    # session, user, half-years, the two snapshots, warning tally, rounds (no round: no rating tally).
    client = login(staff_user)
    with django_assert_num_queries(6):
        client.get(COMPARE)
    SocialOrganizationFactory.create_batch(20, area=beilin)
    services.recount_run(period="2020H2")
    with django_assert_num_queries(6):
        client.get(COMPARE)
