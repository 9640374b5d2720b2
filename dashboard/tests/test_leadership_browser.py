"""The leadership pages in Chromium: the briefing prints on A4 portrait with
nothing outside the printable area, and no page scrolls sideways on a phone."""

from __future__ import annotations

import re

import pytest

from conftest import log_in
from coverage.recount import services
from dashboard.tests import test_briefing
from organizations.models import Area
from organizations.tests.factories import AreaFactory, SocialOrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A4 portrait less briefing.css's 12 mm margins, in CSS pixels (96 per inch).
PRINTABLE_WIDTH = (210 - 2 * 12) / 25.4 * 96
PRINTABLE_HEIGHT = (297 - 2 * 12) / 25.4 * 96

city_2020 = test_briefing.city_2020

OUTSIDE = """width => [...document.querySelectorAll('.briefing, .briefing *')]
  .filter(e => e.getClientRects().length)
  .map(e => ({what: e.tagName + '.' + e.className, left: e.getBoundingClientRect().left,
              right: e.getBoundingClientRect().right}))
  .filter(box => box.left < -0.5 || box.right > width + 0.5)"""


@pytest.fixture
def nineteen_districts(city, city_2020):
    """As many districts and zones as Xi'an has (19), so the city's league is full length."""
    for n in range(17):
        zone = AreaFactory(code=f"6101{90 + n}", name=f"第{n + 1}开发区", parent=city, level=Area.Level.ZONE)
        SocialOrganizationFactory(area=zone, name=f"开发区{n + 1}协会", formal_party_members=n % 4)
    services.recount_run(period="2020H1")
    services.recount_run(period="2020H2")


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize(("username", "districts"), [("leader", 19), ("beilin", 1)])
def test_briefing_prints_on_one_a4_portrait_page(page, request, nineteen_districts, username, districts):
    request.getfixturevalue(f"{username}_user")
    log_in(page, username)
    page.goto("/dashboard/briefing/?period=2020H2")
    assert page.locator(".briefing-league tbody tr").count() == districts
    assert page.locator("[data-sentence]").count() in (3, 4, 5)
    # The city's briefing (19 districts, five sentences, five warning groups) fits one page too.
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert _pages(pdf) == 1
    # Laid out at the paper's printable width: nothing beyond either edge, and the
    # content no taller than one page.
    page.set_viewport_size({"width": int(PRINTABLE_WIDTH), "height": int(PRINTABLE_HEIGHT)})
    page.emulate_media(media="print")
    assert page.evaluate(OUTSIDE, int(PRINTABLE_WIDTH)) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= int(PRINTABLE_WIDTH)
    assert page.evaluate("document.querySelector('.briefing').getBoundingClientRect().bottom") <= PRINTABLE_HEIGHT
    assert not page.locator(".topbar").is_visible()


@pytest.mark.parametrize("username", ["leader", "beilin"])
def test_no_sideways_scrolling_on_a_phone(page, request, city_2020, username):
    request.getfixturevalue(f"{username}_user")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, username)
    for path in ("/dashboard/districts/", "/dashboard/compare/", "/dashboard/briefing/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], (path, width)
