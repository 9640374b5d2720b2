"""beilin hears that staff returned its ledger: staff returns it by clicking,
beilin logs in, sees the count in the header and the notice in the inbox,
opens it onto the ledger; the email is in the outbox. In Chromium."""

from __future__ import annotations

import os
import re

import pytest
from django.core import mail

from conftest import log_in
from coverage.ledgers import services as ledgers
from coverage.recount import services as recount
from notices.models import Notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("NOTICE_SCREENSHOTS")


def test_beilin_gets_a_notice_when_staff_returns_its_ledger(page, dataset, beilin_user, staff_user, yanta_user):
    beilin_user.email = "beilin@example.org"
    beilin_user.save(update_fields=["email"])
    recount.recount_run(period="2020H2")
    ledger = ledgers.ledger_submit(actor=beilin_user, period="2020H2", note="已核对")

    log_in(page, "staff")
    page.goto(f"/coverage/ledgers/{ledger.pk}/")
    page.fill("#id_return_reason", "缺少两家新登记协会")
    page.click("button[name=return]")
    page.wait_for_selector("dd[data-status=returned]")
    page.click(".account form[action='/logout/'] button")

    log_in(page, "beilin")
    badge = page.locator(".inbox-link [data-unread-notices]")
    assert badge.inner_text() == "1"
    assert page.locator(".inbox-link").inner_text().startswith("通知")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "header_desktop.png"))
    page.click(".inbox-link")
    page.wait_for_url(re.compile(r".*/notices/$"))
    item = page.locator("li.notice.unread")
    assert item.count() == 1
    assert "碑林区 2020H2 台账被退回" in item.inner_text() and "原因：缺少两家新登记协会" in item.inner_text()
    assert page.locator("form[action='/notices/read-all/'] button").inner_text() == "全部标为已读"
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "inbox_desktop.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=os.path.join(SHOTS, "inbox_phone.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.set_viewport_size({"width": 1400, "height": 900})
    item.locator("a").first.click()
    page.wait_for_url(re.compile(rf".*/coverage/ledgers/{ledger.pk}/$"))
    assert page.locator(".inbox-link [data-unread-notices]").count() == 0

    # Only beilin's scope heard of it, and beilin has the email.
    assert list(Notice.objects.values_list("user__username", "kind")) == [("beilin", Notice.Kind.LEDGER_RETURNED)]
    assert [m.to for m in mail.outbox] == [["beilin@example.org"]]
    assert "缺少两家新登记协会" in mail.outbox[0].body
