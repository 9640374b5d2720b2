"""The auditor's log page in Chromium: at a desktop width and on a phone (390 px), the
page never scrolls sideways (the table scrolls in its own box) and the filters work."""

from __future__ import annotations

import os

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.models import User
from accounts.tests.factories import UserFactory
from audit.models import AuditEntry
from conftest import log_in
from organizations.models import SocialOrganization

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

Kind = AuditEntry.Kind


def _shot(page, name: str) -> None:
    if os.environ.get("BROWSER_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["BROWSER_SCREENSHOTS"], name), full_page=True)


@pytest.mark.parametrize("width", [1400, 390])
def test_the_auditor_reads_the_log_at_any_width(page, width):
    UserFactory(username="auditor", role=User.Role.AUDITOR, first_name="安全审计员")
    AuditEntry.objects.create(
        kind=Kind.UPDATE,
        username="beilin",
        ip_address="10.0.0.8",
        content_type=ContentType.objects.get_for_model(SocialOrganization),
        object_id="1",
        object_repr="碑林区示范协会",
        changes={"name": ["旧名称", "碑林区示范协会"], "staff_count": [10, 12]},
    )
    AuditEntry.objects.create(kind=Kind.LOGIN_FAILED, username="mallory", ip_address="10.9.9.9", outcome="failure")
    AuditEntry.objects.create(
        kind=Kind.EXPORT, username="staff", details={"path": "/organizations/", "query": "q=协会", "rows": 120}
    )
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "auditor")
    assert page.url.endswith("/audit/")
    # The three entries and the auditor's own login.
    assert page.locator("table.audit-log tbody tr").count() == 4
    # A changed field by its label, not its column name.
    assert page.locator("table.audit-log", has_text="名称").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, f"audit-log-{width}.png")
    page.select_option("#id_kind", Kind.LOGIN_FAILED)
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**kind=login_failed**")
    assert page.locator("table.audit-log tbody tr").count() == 1
