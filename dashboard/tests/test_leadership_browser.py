"""The leadership pages in Chromium: the briefing prints on A4 portrait and the
league table on A4 landscape, one page each with nothing outside the printable
area, and no page scrolls sideways on a phone."""

from __future__ import annotations

import re

import pytest

from conftest import log_in
from coverage.recount import services
from dashboard.tests import test_briefing
from organizations.models import Area
from organizations.tests.factories import AreaFactory, SocialOrganizationFactory
from xian_partybuild import clock

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


# A4 landscape less leadership.css's 8 mm margins (@page league), in CSS pixels.
LANDSCAPE_WIDTH = (297 - 2 * 8) / 25.4 * 96
LANDSCAPE_HEIGHT = (210 - 2 * 8) / 25.4 * 96

LEAGUE_BOXES = """() => [...document.querySelectorAll(
    '[data-print-header], h1, .league-table, .league-table tbody tr, .league-charts .chart, canvas[data-chart-url]')]
  .map(e => {
    const r = e.getBoundingClientRect();
    return {what: e.dataset.key || e.id || e.className || e.tagName, shown: e.getClientRects().length > 0,
            left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX, bottom: r.bottom + scrollY};
  })"""


@pytest.mark.parametrize(("username", "districts"), [("leader", 19), ("beilin", 1)])
def test_league_prints_on_one_a4_landscape_page(page, request, nineteen_districts, username, districts):
    user = request.getfixturevalue(f"{username}_user")
    log_in(page, username)
    page.goto("/dashboard/districts/?period=2020H2")
    page.wait_for_function("() => document.querySelector('canvas[data-chart-url]').chart")

    # Laid out for paper: the header says whose figures, which half-year, which day and who printed;
    # the menu, the half-year picker, the buttons and the export and PNG links are not printed.
    # At the paper's printable width nothing may stick out sideways (scrollWidth).
    page.set_viewport_size({"width": int(LANDSCAPE_WIDTH), "height": int(LANDSCAPE_HEIGHT)})
    page.emulate_media(media="print")
    page.wait_for_function(
        """() => [...document.querySelectorAll('canvas[data-chart-url]')].filter(c => c.chart)
           .every(c => Math.abs(c.chart.width - c.parentNode.clientWidth) <= 1)"""
    )
    header = page.locator("[data-print-header]")
    assert header.is_visible()
    for expected in (user.scope_label, "2020H2", clock.today().isoformat(), user.get_full_name() or user.username):
        assert expected in header.inner_text()
    for hidden in (".topbar", ".page-head .actions", "#id_period", "a[href*='_export=']", "a[data-png-for]"):
        assert not page.locator(hidden).first.is_visible(), hidden

    # Every district's row is printed, and it, the table and the 4★/5★ chart lie inside the printable area.
    assert page.locator(".league-table tbody tr").count() == districts
    boxes = page.evaluate(LEAGUE_BOXES)
    assert len([box for box in boxes if box["shown"] and box["what"].startswith("canvas-")]) == 1
    for box in boxes:
        assert box["shown"], box
        assert box["left"] >= 0 and box["top"] >= 0, box
        assert box["right"] <= LANDSCAPE_WIDTH + 0.5 and box["bottom"] <= LANDSCAPE_HEIGHT + 0.5, box
    assert page.evaluate("document.documentElement.scrollWidth") <= int(LANDSCAPE_WIDTH)

    # One page, and that page is A4 landscape (the league's own @page, not the briefing's portrait).
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert _pages(pdf) == 1
    width, height = (float(n) for n in re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf).groups())
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (297, 210)
