"""A district official exports a large list to Excel and downloads it from
the job's page, which follows a job run elsewhere until its file is ready. In Chromium."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.utils import timezone

from conftest import log_in
from exports import services
from exports.models import ExportJob
from ui.views import SafeExportMixin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _download_rows(page) -> list[tuple]:
    with page.expect_download() as download:
        page.click("[data-export-download]")
    with open(download.value.path(), "rb") as file:
        return list(openpyxl.load_workbook(io.BytesIO(file.read())).active.values)


def test_a_large_export_becomes_a_job_whose_page_offers_the_file(page, dataset, beilin_user, monkeypatch):
    monkeypatch.setattr(SafeExportMixin, "xlsx_direct_max_rows", 2)
    log_in(page, "beilin")
    page.goto("/organizations/?category=social_group")
    page.click("a.button:text-is('导出 Excel')")
    # Without a broker the job has run by the time its page shows.
    page.wait_for_url(re.compile(r".*/exports/[0-9a-f-]{36}/$"))
    assert page.locator("[data-export-status]").get_attribute("data-job-state") == "succeeded"
    assert page.locator("[data-export-label]").inner_text() == "已完成"
    rows = _download_rows(page)
    assert sorted(row[0] for row in rows[1:]) == ["A 协会", "B 协会", "E 协会", "F 协会", "H 协会（已注销）"]
    page.click("a:text-is('返回列表')")
    page.wait_for_url(re.compile(r".*/organizations/\?category=social_group$"))


def test_the_job_page_follows_a_job_run_elsewhere(page, dataset, beilin_user):
    now = timezone.now()
    query = "category=social_group&_export=xlsx"
    # Queued, as a job waits for a worker when there is a broker.
    job = ExportJob.objects.create(
        user=beilin_user,
        path="/organizations/",
        query=query,
        key=ExportJob.key_for(export_format="xlsx", path="/organizations/", query=query),
        language="zh-hans",
        filename="social-organisations.xlsx",
        created_at=now,
        expires_at=now + dt.timedelta(hours=24),
    )
    log_in(page, "beilin")
    page.goto(job.get_absolute_url())
    assert page.locator("[data-export-status]").get_attribute("data-job-state") == "queued"
    assert page.locator("[data-export-download]").is_hidden()
    assert page.locator("[data-export-progress]").is_visible()

    services.export_job_run(job_id=str(job.pk))
    page.wait_for_selector("[data-export-status][data-job-state=succeeded]")
    assert page.locator("[data-export-text]").inner_text().startswith("共 5 行")
    assert page.locator("[data-export-progress]").is_hidden()
    assert len(_download_rows(page)) == 6
