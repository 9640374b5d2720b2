"""A district official imports and submits the half-year's ledger; the city accepts it. In Chromium."""

import re

import pytest

from conftest import log_in
from coverage.ledgers.imports import services as imports
from coverage.ledgers.imports.columns import HEADERS
from coverage.models import Ledger, LedgerImport, Snapshot
from coverage.recount import services
from coverage.tests.ledgers.files import code, row, xlsx_bytes
from organizations.models import SocialOrganization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _choose(page, name, content):
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": XLSX, "buffer": content}])
    page.click("button[name=check]")
    page.wait_for_url(re.compile(r".*/coverage/ledgers/import/\d+/$"))


def test_beilin_imports_and_submits_the_ledger_and_the_city_accepts_it(page, dataset, beilin_user, staff_user):
    services.recount_run(period="2020H2")
    good = [row(credit_code=code(), name="碑林区新登记协会"), row(credit_code=code(), name="碑林区公益服务中心")]
    at = HEADERS.index("登记日期")
    bad = [good[0], [*good[1][:at], "2020-02-30", *good[1][at + 1 :]]]

    log_in(page, "beilin")
    page.goto("/coverage/")
    # The overview opens on the district's own row above its sub-districts.
    page.click("table.data-table a:text-is('碑林区（全部街道）')")
    page.wait_for_url(re.compile(r".*/coverage/areas/610103/.*"))
    assert page.locator("h1").inner_text() == "碑林区"

    page.goto("/coverage/ledgers/import/?period=2020H2")
    assert page.locator("#id_area").count() == 0  # the area is the official's own
    _choose(page, "碑林区台账.xlsx", xlsx_bytes(bad))
    problems = page.locator("table.problems tbody tr")
    assert problems.count() == 1
    cells = problems.first.locator("td").all_inner_texts()
    assert cells[:2] == ["3", "登记日期"]
    assert page.locator("button[name=import]").count() == 0
    assert SocialOrganization.objects.filter(name__startswith="碑林区新").count() == 0

    page.click("a[href^='/coverage/ledgers/import/?period=2020H2']")
    _choose(page, "碑林区台账.xlsx", xlsx_bytes(good))
    assert page.locator("table.problems").count() == 0
    page.click("button[name=import]")
    page.wait_for_selector("[data-import-status=imported]")
    assert page.locator("[data-created]").inner_text() == "2"
    assert LedgerImport.objects.filter(status="imported").count() == 1

    page.click("a[href='/coverage/ledgers/?period=2020H2']")
    assert page.locator("table.data-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.key)") == ["610103"]
    page.click("a[href^='/coverage/ledgers/submit/']")
    page.fill("#id_note", "已按半年排查核对，新增两家。")
    page.click("button[name=submit-ledger]")
    page.wait_for_selector("tr[data-key='610103'][data-status=submitted]")

    page.click(".account button.link")  # log out
    log_in(page, "staff")
    page.goto("/coverage/ledgers/?period=2020H2")
    assert page.locator("tr[data-key='610113'][data-status=draft]").count() == 1
    page.click("tr[data-key='610103'] a")
    assert "已按半年排查核对" in page.locator("dl.facts").inner_text()
    page.click("button[name=accept]")
    page.wait_for_selector("dd[data-status=accepted]")
    assert page.locator("tr[data-scope=area][data-frozen=yes]").count() == 1

    ledger = Ledger.objects.get()
    assert (ledger.status, ledger.submitted_by.username, ledger.reviewed_by.username) == ("accepted", "beilin", "staff")
    assert Snapshot.objects.get(scope="area", scope_key="610103").frozen


def test_the_preview_follows_a_check_running_elsewhere_and_shows_its_result(page, beilin, beilin_user):
    """As with a broker: the upload returns at once, a worker checks, the page polls and then shows the result."""
    services.recount_run(period="2020H2")
    record = LedgerImport.objects.create(
        period=services.period_get(period="2020H2"),
        area=beilin,
        uploaded_by=beilin_user,
        file_name="碑林区台账.xlsx",
        content=xlsx_bytes([row(), row(staff_count="-5")]),
        sha256="0" * 64,
    )
    log_in(page, "beilin")
    page.goto(f"/coverage/ledgers/import/{record.pk}/")
    line = page.locator("[data-import-progress]")
    assert line.get_attribute("data-job-state") == "checking"
    assert page.locator("[data-import-refresh]").is_hidden()  # the script polls; no reload link needed
    imports.ledger_import_check_stored(import_id=record.pk)  # what the worker does
    page.wait_for_selector("table.problems tbody tr")
    assert page.locator("[data-import-progress]").count() == 0
    assert page.locator("table.problems tbody tr td").all_inner_texts()[:2] == ["3", "从业人员数"]


def test_staff_see_what_an_import_will_create_and_change_before_importing(page, beilin, staff_user):
    """The preview lists the new organisation and the changed one (old → new); the result lists what was done."""
    services.recount_run(period="2020H2")
    known, new = code(), code()
    first, _result = imports.ledger_import_preview(
        actor=staff_user,
        period=services.period_get(period="2020H2"),
        file_name="上次.xlsx",
        content=xlsx_bytes([row(credit_code=known, name="碑林区书法家协会", staff_count="8")]),
        area=beilin,
    )
    imports.ledger_import_run(actor=staff_user, ledger_import=first)
    changed = SocialOrganization.objects.get(credit_code=known)

    log_in(page, "staff")
    page.goto("/coverage/ledgers/import/?period=2020H2")
    page.select_option("#id_area", str(beilin.pk))
    _choose(
        page,
        "碑林区台账.xlsx",
        xlsx_bytes(
            [
                row(credit_code=known, name="碑林区书法家协会", staff_count="15"),
                row(credit_code=new, name="碑林区摄影家协会"),
            ]
        ),
    )
    assert page.locator("[data-row-kinds] a[data-kind=create]").inner_text() == "新建 1"
    assert page.locator("[data-row-kinds] a[data-kind=update]").inner_text() == "更新 1"
    created = page.locator("tr[data-row='3']")
    assert created.get_attribute("data-kind") == "create"
    assert "新建" in created.inner_text() and "碑林区摄影家协会" in created.inner_text()
    updated = page.locator("tr[data-row='2']")
    assert updated.get_attribute("data-kind") == "update"
    assert updated.locator("li[data-field=staff_count]").inner_text() == "从业人员数: 8 → 15"
    assert SocialOrganization.objects.get(credit_code=known).staff_count == 8  # nothing written yet

    page.click("[data-row-kinds] a[data-kind=update]")
    page.wait_for_url(re.compile(r".*kind=update.*"))
    assert page.locator("[data-import-rows] tbody tr").count() == 1

    page.click("button[name=import]")
    page.wait_for_selector("[data-import-status=imported]")
    assert page.locator("[data-created]").inner_text() == "1"
    assert page.locator("[data-updated]").inner_text() == "1"
    result = page.locator("[data-import-rows] tbody tr")
    assert result.evaluate_all("rows => rows.map(r => r.dataset.kind)") == ["update", "create"]
    assert SocialOrganization.objects.get(credit_code=known).staff_count == 15
    page.click(f"a[data-organization='{changed.pk}']")
    page.wait_for_url(re.compile(rf".*/organizations/{changed.pk}/$"))
    assert "碑林区书法家协会" in page.locator("h1").inner_text()
