"""The demo city on the dashboard: the seed figures, computed, never typed in."""

import re

import pytest
from django.urls import reverse

from accounts.models import User
from conftest import demo_seeded_once
from organizations.models import Area

# Every test reads the demo, seeded once for the module.
seeded = demo_seeded_once("--demo-users")
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def _figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="([a-z_]+)">([^<]+)<', html))


def test_leader_sees_the_seed_figures(client):
    client.force_login(User.objects.get(username="leader"))
    figures = _figures(client.get(reverse("home")).content.decode())
    # Counts and 万元 sums group thousands, as Chinese reports print them.
    assert figures["organizations"] == "3,866"
    assert figures["party_organizations"] == "1,272"
    assert figures["work_coverage_rate"] == "100.0%"
    assert (figures["four_star"], figures["five_star"], figures["province_share"]) == ("46", "17", "28.8%")
    assert (figures["training_bases"], figures["provincial_points"]) == ("29", "12")
    assert (figures["pilot_communities"], figures["pilot_organizations"], figures["plaques"]) == ("100", "180", "32")
    assert figures["poverty_money"] == "5,997.8"  # 万元: 59.978 million yuan
    assert figures["epidemic_money"] == "8,555.6"  # 85.556 million yuan
    assert 29_000 <= int(figures["poverty_people"].replace(",", "")) <= 30_000
    assert int(figures["epidemic_cases"]) > 80


def test_beilin_sees_only_beilin_figures(client):
    client.force_login(User.objects.get(username="beilin"))
    response = client.get(reverse("home"))
    assert response.context["snapshot"].label == "碑林区"
    assert int(_figures(response.content.decode())["organizations"].replace(",", "")) < 3866
    # The area chart is 碑林区's sub-districts, those without a recorded place last.
    chart = client.get(reverse("dashboard:chart-coverage-by-area")).json()
    streets = Area.objects.filter(parent__name="碑林区", level=Area.Level.SUBDISTRICT).order_by("sort_order")
    assert chart["labels"] == [*streets.values_list("name", flat=True), "未填街道"]
    assert len(chart["labels"]) > 2


def test_city_chart_json_stays_small(client):
    client.force_login(User.objects.get(username="leader"))
    for name in ("coverage-by-area", "coverage-trend", "warnings", "contributions", "stars-by-round"):
        response = client.get(reverse(f"dashboard:chart-{name}"))
        assert response.status_code == 200 and len(response.content) < 50_000, name
