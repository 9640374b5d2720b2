"""Leadership's journey through the dashboard, in Chromium."""

import datetime as dt
import pathlib
import re
import struct
import zlib
from decimal import Decimal

import pytest

from conftest import log_in
from coverage.recount import services
from coverage.warnings.scan import warning_scan
from engagement.tests.factories import ContributionFactory, TrainingBaseFactory
from organizations.models import Area, SocialOrganization
from organizations.tests.factories import AreaFactory
from ratings.models import Evaluation
from ratings.tests.factories import make_evaluation, make_round
from xian_partybuild import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CANVAS_INK = """canvas => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) { inked++; } }
  return inked;
}"""


@pytest.fixture
def city_data(dataset, beilin):
    services.recount_run(period="2020H1")
    services.recount_run(period="2020H2")
    # Scanned on 2020H2's last day, so the half-year shown has open warnings.
    warning_scan(today=dt.date(2020, 12, 31))
    ContributionFactory(organization=dataset.a, kind="poverty", money_yuan=Decimal("120000"), people_helped=40)
    ContributionFactory(organization=dataset.g, kind="epidemic", money_yuan=Decimal("30000"))
    TrainingBaseFactory(area=beilin, host_organization=dataset.a, is_provincial_point=True)
    round_2020 = make_round(2020, province_total=59)
    make_evaluation(dataset.p_a, round_2020, state=Evaluation.State.APPROVED, total=85)
    make_evaluation(dataset.joint, round_2020, state=Evaluation.State.CERTIFIED, total=95)
    return dataset


def _wait_for_charts(page):
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart-url]')].every(c => c.dataset.drawn === 'true')"
    )


def test_leader_sees_every_chart_drawn_clicks_beilin_and_prints_one_page(page, leader_user, beilin_user, city_data):
    log_in(page, "leader")
    _wait_for_charts(page)
    canvases = page.locator("canvas[data-chart-url]")
    assert canvases.count() >= 4
    for i in range(canvases.count()):
        canvas = canvases.nth(i)
        assert canvas.get_attribute("data-empty") is None, canvas.get_attribute("id")
        assert canvas.evaluate(CANVAS_INK) > 500, f"{canvas.get_attribute('id')} is blank"
    assert page.locator('[data-figure="organizations"]').inner_text() == "7"

    # Click Beilin's work-coverage bar: it opens Beilin's work-covered organisations of 2020H2.
    box = page.locator("#canvas-coverage-by-area").bounding_box()
    x, y = page.locator("#canvas-coverage-by-area").evaluate(
        """canvas => {
          const index = canvas.chart.data.labels.indexOf('碑林区');
          const bar = canvas.chart.getDatasetMeta(1).data[index];
          return [bar.x, (bar.y + bar.base) / 2];
        }"""
    )
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(re.compile(r".*/organizations/\?.*coverage=work.*"))
    assert page.locator("[data-as-of]").get_attribute("data-as-of") == "2020-12-31"
    assert set(page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.area)")) == {"碑林区"}
    assert page.locator("tbody tr").count() == 4  # A, B, C by party organisations, D by its instructor

    # The print layout fits one A4 landscape page.
    page.goto("/")
    _wait_for_charts(page)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", landscape=True, print_background=True, prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the print layout takes {pages} pages"


@pytest.fixture
def placed(dataset, beilin, nanyuanmen):
    """碑林区's organisations where they sit: A and D (in its community) in 南院门街道,
    B, C and E in 柏树林街道, F not recorded; then both half-years recounted."""
    bailuyuan = AreaFactory(code="610103-02", name="柏树林街道", parent=beilin, level=Area.Level.SUBDISTRICT)
    community = AreaFactory(code="610103-01-01", name="含光门社区", parent=nanyuanmen, level=Area.Level.COMMUNITY)
    for org, location in ((dataset.a, nanyuanmen), (dataset.d, community), (dataset.b, bailuyuan)):
        org.location = location
        org.save(update_fields=["location"])
    SocialOrganization.objects.filter(pk__in=[dataset.c.pk, dataset.e.pk]).update(location=bailuyuan)
    services.recount_run(period="2020H1")
    services.recount_run(period="2020H2")
    return dataset


def test_beilin_sees_its_subdistricts_and_opens_one(page, beilin_user, placed):
    log_in(page, "beilin")
    _wait_for_charts(page)
    assert page.locator('[data-figure="organizations"]').inner_text() == "6"
    chart = page.locator("#canvas-coverage-by-area")
    assert chart.locator("xpath=ancestor::*[contains(@class,'chart')][1]").get_by_text("各街道覆盖率").count() == 1
    labels = chart.evaluate("canvas => canvas.chart.data.labels")
    assert labels == ["南院门街道", "柏树林街道", "未填街道"]
    # Organisational coverage: A of A, D; B and C of B, C, E; not F.
    assert chart.evaluate("canvas => canvas.chart.data.datasets[0].data") == [50.0, 66.7, 0.0]
    warning_areas = page.locator("#canvas-warnings").evaluate("canvas => canvas.chart ? canvas.chart.data.labels : []")
    assert set(warning_areas) <= {"碑林区"}

    # Click 南院门街道's work-coverage bar: A (its branch) and D (its instructor), nothing else.
    box = chart.bounding_box()
    x, y = chart.evaluate(
        """canvas => {
          const bar = canvas.chart.getDatasetMeta(1).data[0];
          return [bar.x, (bar.y + bar.base) / 2];
        }"""
    )
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(re.compile(r".*/organizations/\?.*location=.*"))
    names = page.locator("tbody tr td:first-child").all_inner_texts()
    assert sorted(n.strip() for n in names) == ["A 协会", "D 基金会"]

    # The overview opens on 碑林区 and its sub-districts.
    page.goto("/coverage/")
    rows = page.locator("tbody tr td:first-child").all_inner_texts()
    assert [r.strip() for r in rows] == ["碑林区（全部街道）", "南院门街道", "柏树林街道", "未填街道"]


def _collect_errors(page) -> list[str]:
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.mark.parametrize("username", ["leader", "beilin"])
def test_dashboard_draws_with_chart_js_4_and_no_console_errors(page, username, leader_user, beilin_user, city_data):
    errors = _collect_errors(page)
    log_in(page, username)
    _wait_for_charts(page)
    assert page.evaluate("() => Chart.version").startswith("4.")
    assert page.locator("canvas[data-error]").count() == 0
    # Hovering a bar shows its tooltip (Chart.js 4's plugins.tooltip) and the pointer says it opens a list.
    canvas = page.locator("#canvas-coverage-by-area")
    box = canvas.bounding_box()
    x, y = canvas.evaluate(
        """canvas => {
          const values = canvas.chart.data.datasets[1].data;
          const bar = canvas.chart.getDatasetMeta(1).data[values.indexOf(Math.max(...values))];
          return [bar.x, (bar.y + bar.base) / 2];
        }"""
    )
    page.mouse.move(box["x"] + x, box["y"] + y)
    # Chart.js handles the pointer on the next animation frame.
    canvas.evaluate("canvas => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert canvas.evaluate("canvas => canvas.chart.tooltip.getActiveElements().length") == 1
    assert canvas.evaluate("canvas => canvas.style.cursor") == "pointer"
    assert errors == []


def _png_size_and_corner(data: bytes) -> tuple[int, int, tuple[int, ...]]:
    """Width, height and top-left pixel (RGBA) of an 8-bit RGB(A) PNG. The first
    pixel of the first row is stored as is under every PNG filter (its left and
    upper neighbours count as zero), so it needs no unfiltering."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, header = 8, b"", None
    while position < len(data):
        length = struct.unpack(">I", data[position : position + 4])[0]
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    width, height, depth, colour = header
    assert depth == 8 and colour in (2, 6), header
    pixel = zlib.decompress(idat)[1 : 1 + (4 if colour == 6 else 3)]
    return width, height, tuple(pixel) + (() if colour == 6 else (255,))


@pytest.mark.parametrize("username", ["leader", "beilin"])
def test_chart_png_for_slides_has_white_background_and_a_title_band(
    page, username, leader_user, beilin_user, city_data
):
    log_in(page, username)
    _wait_for_charts(page)
    canvas = page.locator("#canvas-coverage-by-area")
    chart_width, chart_height = canvas.evaluate("canvas => [canvas.width, canvas.height]")
    link = page.locator('a[data-png-for="canvas-coverage-by-area"]')
    assert link.get_attribute("data-png-period") == "2020H2"
    assert (
        link.get_attribute("data-png-scope")
        == page.evaluate("() => document.querySelector('h1').textContent").split(" · ")[1]
    )
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "coverage-by-area-2020H2.png"
    width, height, corner = _png_size_and_corner(pathlib.Path(download.value.path()).read_bytes())
    assert corner == (255, 255, 255, 255)  # opaque white, not transparent
    # Drawn at (at least) twice the screen's resolution, with a band for title, scope and half-year on top.
    assert width > 2 * chart_width
    assert height > 2 * chart_height + 80
    # The chart on the page is back at its own resolution and still clickable.
    assert canvas.evaluate("canvas => [canvas.width, canvas.height]") == [chart_width, chart_height]


# A4 landscape less the stylesheet's 8 mm margins, in CSS pixels (96 per inch).
PRINTABLE_WIDTH = (297 - 2 * 8) / 25.4 * 96
PRINTABLE_HEIGHT = (210 - 2 * 8) / 25.4 * 96

PRINTED_BOXES = """() => [...document.querySelectorAll(
    '[data-print-header], h1, .figure, .chart, canvas[data-chart-url]')]
  .filter(e => e.getClientRects().length)
  .map(e => {
    const r = e.getBoundingClientRect();
    return {what: e.id || e.className || e.tagName, card: e.matches('.figure, .chart'),
            left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX, bottom: r.bottom + scrollY};
  })"""

ON_SCREEN = """() => [...document.querySelectorAll('canvas[data-chart-url]')].filter(c => c.chart)
  .every(c => c.chart.width > 400 && Math.abs(c.chart.width - c.parentNode.clientWidth) <= 1)"""


@pytest.mark.parametrize("username", ["leader", "beilin"])
def test_dashboard_prints_on_one_a4_landscape_page(page, username, request, city_data):
    user = request.getfixturevalue(f"{username}_user")
    log_in(page, username)
    _wait_for_charts(page)
    # Printing as the browser does (beforeprint, print media, afterprint): one page, and the charts back after.
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    page.wait_for_function(ON_SCREEN)

    # The print layout, measured: emulated print media lays the page out as on paper.
    page.emulate_media(media="print")
    page.wait_for_function(
        """() => [...document.querySelectorAll('canvas[data-chart-url]')].filter(c => c.chart)
           .every(c => Math.abs(c.chart.width - c.parentNode.clientWidth) <= 1)"""
    )

    header = page.locator("[data-print-header]")
    assert header.is_visible()
    text = header.inner_text()
    for expected in (user.scope_label, "2020H2", clock.today().isoformat(), user.get_full_name() or user.username):
        assert expected in text
    for hidden in (".topbar", ".dash-head .actions", "a[data-png-for]"):
        assert not page.locator(hidden).first.is_visible(), hidden

    boxes = page.evaluate(PRINTED_BOXES)
    assert len([box for box in boxes if box["what"].startswith("canvas-")]) >= 5
    for box in boxes:
        assert box["left"] >= 0 and box["top"] >= 0, box
        assert box["right"] <= PRINTABLE_WIDTH and box["bottom"] <= PRINTABLE_HEIGHT, box
    cards = [box for box in boxes if box["card"]]
    for i, one in enumerate(cards):
        for other in cards[i + 1 :]:
            apart = (
                one["right"] <= other["left"] + 0.5
                or other["right"] <= one["left"] + 0.5
                or one["bottom"] <= other["top"] + 0.5
                or other["bottom"] <= one["top"] + 0.5
            )
            assert apart, (one, other)

    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the dashboard prints on {pages} pages"

    # Back on screen the charts fill their cards again.
    page.emulate_media(media="screen")
    page.wait_for_function(ON_SCREEN)
