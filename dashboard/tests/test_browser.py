"""Leadership's journey through the dashboard, in Chromium."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from conftest import log_in
from coverage.recount import services
from coverage.warnings.scan import warning_scan
from engagement.tests.factories import ContributionFactory, TrainingBaseFactory
from ratings.models import Evaluation
from ratings.tests.factories import make_evaluation, make_round

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


def test_beilin_sees_only_beilin(page, beilin_user, city_data):
    log_in(page, "beilin")
    _wait_for_charts(page)
    assert page.locator('[data-figure="organizations"]').inner_text() == "6"
    labels = page.locator("#canvas-coverage-by-area").evaluate("canvas => canvas.chart.data.labels")
    assert labels == ["碑林区"]
    warning_areas = page.locator("#canvas-warnings").evaluate("canvas => canvas.chart ? canvas.chart.data.labels : []")
    assert set(warning_areas) <= {"碑林区"}


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
