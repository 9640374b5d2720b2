"""A district official's journey through the organisation list, in Chromium."""

import re

import pytest

from conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_beilin_filters_the_organisation_list_and_sees_only_beilin(page, beilin_user, dataset, yanta_user):
    page.goto("/login/")
    assert page.locator("h1").inner_text() == "登录"
    # English is one click away, and back.
    page.click("button[name=language][value=en]")
    assert page.locator("h1").inner_text() == "Log in"
    page.click("button[name=language][value=zh-hans]")
    assert page.locator("h1").inner_text() == "登录"

    log_in(page, "beilin")
    page.click("nav >> text=社会组织")
    page.wait_for_url("**/organizations/")
    rows = page.locator("table.data-table tbody tr")
    areas = rows.evaluate_all("rows => rows.map(r => r.dataset.area)")
    assert areas and set(areas) == {"碑林区"}
    assert page.locator("text=G 律师事务所").count() == 0

    page.select_option("#id_coverage", "uncovered")
    page.select_option("#id_status", "active")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*coverage=uncovered.*"))
    names = sorted(page.locator("table.data-table tbody tr td:first-child").all_inner_texts())
    assert names == ["E 协会", "F 协会"]
    assert set(rows.evaluate_all("rows => rows.map(r => r.dataset.area)")) == {"碑林区"}

    page.click("text=E 协会")
    assert "未覆盖" in page.locator(".coverage-state").inner_text()
