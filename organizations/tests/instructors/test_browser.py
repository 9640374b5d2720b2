"""beilin assigns one instructor to three uncovered organisations by clicking,
and after the recount sees work coverage rise by three (issue 14's journey)."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from conftest import log_in
from coverage.models import Snapshot
from coverage.recount import services as recount
from organizations.models import CoverageState, InstructorAssignment, SocialOrganization
from organizations.tests.factories import SocialOrganizationFactory
from ui.formatting import format_percent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _beilin_work_covered() -> int:
    return Snapshot.objects.get(period__year=2020, period__half=2, scope_key="610103").work_covered


@override_settings(CLOCK_TODAY="2020-12-31")
def test_beilin_assigns_an_instructor_to_three_uncovered_organisations(page, beilin_user, dataset, staff_user):
    SocialOrganizationFactory(name="I 协会", area=dataset.a.area, formal_party_members=0)
    uncovered = set(
        SocialOrganization.objects.filter(
            area=dataset.a.area, current_coverage=CoverageState.UNCOVERED, status="active"
        ).values_list("name", flat=True)
    )
    assert uncovered == {"E 协会", "F 协会", "I 协会"}
    recount.recount_run(period="2020H2")
    before = _beilin_work_covered()
    before_rate = Snapshot.objects.get(period__year=2020, period__half=2, scope_key="610103").work_coverage_rate

    log_in(page, "beilin")
    page.click("nav >> text=社会组织")
    page.select_option("#id_coverage", "uncovered")
    page.select_option("#id_status", "active")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*coverage=uncovered.*"))
    page.click("a[data-bulk-action]")
    page.wait_for_url(re.compile(r".*/instructors/assign/.*"))
    chosen = page.locator("#id_organizations option:checked").all_inner_texts()
    assert {text.split("（")[0] for text in chosen} == uncovered
    page.fill("#id_person_name", "王指导员")
    page.fill("#id_phone", "029-87654321")
    page.fill("#id_started_on", "2020-07-01")
    page.click("form.record-form button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/instructors/\?.*"))
    assert "已将 王指导员 指派到 3 个社会组织" in page.locator(".messages, .message").first.inner_text()
    assert page.locator("table.data-table tbody tr").count() == 3
    assert InstructorAssignment.objects.filter(person_name="王指导员").count() == 3

    # The organisation department recounts; the district's work coverage has risen by three.
    recount.recount_run(period="2020H2")
    assert _beilin_work_covered() == before + 3
    # And the overview beilin reads shows the district's new work coverage rate.
    shown = Snapshot.objects.get(period__year=2020, period__half=2, scope_key="610103").work_coverage_rate
    assert shown != before_rate
    page.goto("/coverage/?period=2020H2")
    assert format_percent(shown) in page.locator('table.data-table tr[data-key="610103"]').inner_text()
