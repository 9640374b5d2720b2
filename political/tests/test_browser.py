"""The issue's journey, in Chromium: staff see the city's 入章率 on the
dashboard and open exactly the organisations behind it, as of the half-year."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conftest import log_in
from coverage.recount import services
from political.models import PoliticalBuilding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def charters(dataset):
    d = dataset
    PoliticalBuilding.objects.create(organization=d.a, charter_on=dt.date(2020, 3, 1))
    PoliticalBuilding.objects.create(organization=d.b, charter_on=dt.date(2020, 9, 1))
    PoliticalBuilding.objects.create(organization=d.g, charter_on=dt.date(2019, 1, 1))
    # Written in 2021: after the half-year, so not behind its figure.
    PoliticalBuilding.objects.create(organization=d.c, charter_on=dt.date(2021, 2, 1))
    services.recount_run(period="2020H1")
    services.recount_run(period="2020H2")
    return d


def test_staff_open_exactly_the_organisations_behind_the_citys_charter_rate(page, staff_user, charters):
    d = charters
    log_in(page, "staff")
    page.goto("/?period=2020H2")
    figure = page.locator("[data-figure=charter_rate]")
    # 3 of the city's 7 active organisations: A, B and G.
    assert figure.inner_text() == "42.9%"
    assert figure.get_attribute("data-count") == "3"
    figure.click()
    page.wait_for_url(re.compile(r"/organizations/\?.*charter=true"))
    assert "period=2020H2" in page.url
    names = set(page.locator("table.data-table tbody tr td:first-child").all_inner_texts())
    assert names == {d.a.name, d.b.name, d.g.name}
    assert re.search(r"\b3\b", page.locator(".result-count").inner_text())

    # The first half-year's figure opens its own organisations: B's charter came in September.
    page.goto("/?period=2020H1")
    figure = page.locator("[data-figure=charter_rate]")
    assert figure.get_attribute("data-count") == "2"
    figure.click()
    page.wait_for_url(re.compile(r"period=2020H1"))
    names = set(page.locator("table.data-table tbody tr td:first-child").all_inner_texts())
    assert names == {d.a.name, d.g.name}
