"""The issue's journey, in Chromium: 碑林区's official records a need in
保吉巷社区, matches it with a project by an organisation serving the
community, and sees the community's met-needs figure change."""

from __future__ import annotations

import pytest

from community.models import Category, Project
from community.tests.factories import NeedFactory, ProjectFactory, ServiceItemFactory
from conftest import log_in
from engagement.tests.conftest import baojixiang  # noqa: F401 (fixture)
from engagement.tests.factories import PilotAssignmentFactory, PilotCommunityFactory
from organizations.tests.factories import SocialOrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def served(beilin, baojixiang):  # noqa: F811 (fixture)
    pilot = PilotCommunityFactory(community=baojixiang)
    serving = SocialOrganizationFactory(name="碑林为老服务中心", area=beilin)
    elsewhere = SocialOrganizationFactory(name="碑林另一协会", area=beilin)
    PilotAssignmentFactory(organization=serving, community=pilot)
    meal = ServiceItemFactory(organization=serving, category=Category.ELDERLY, description="助餐服务")
    classroom = ServiceItemFactory(organization=serving, category=Category.CHILDREN, description="四点半课堂辅导")
    ServiceItemFactory(organization=elsewhere, category=Category.CHILDREN, description="别处的课堂")
    ProjectFactory(
        need=NeedFactory(community=pilot, category=Category.ELDERLY, description="老人助餐"),
        service_item=meal,
        status=Project.Status.RUNNING,
    )
    return pilot, classroom


def _figure(page, name: str) -> str:
    return page.locator(f'dl.facts [data-figure="{name}"]').inner_text().strip()


def test_beilin_records_a_need_matches_it_and_sees_it_met(page, beilin_user, served):
    pilot, classroom = served
    log_in(page, "beilin")

    # From the pilot community's page to its needs and services.
    page.goto(f"/engagement/pilots/{pilot.pk}/")
    page.click(f'a[href="/community/pilots/{pilot.pk}/"]')
    assert page.locator("h1").inner_text().startswith("保吉巷社区")
    assert (_figure(page, "needs"), _figure(page, "met")) == ("1", "1")

    # Record a need: the form opens on this community.
    page.click(f'a[href="/community/needs/new/?community={pilot.pk}"]')
    assert page.locator("#id_community").input_value() == str(pilot.pk)
    page.select_option("#id_category", Category.CHILDREN.value)
    page.select_option("#id_source", "council")
    page.fill("#id_recorded_on", "2020-09-01")
    page.fill("#id_description", "双职工家庭孩子放学后无人看管")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/community/needs/*/")

    page.goto(f"/community/pilots/{pilot.pk}/")
    assert (_figure(page, "needs"), _figure(page, "met")) == ("2", "1")
    assert _figure(page, "rate") == "50.0%"
    row = page.locator("tr[data-need]", has_text="双职工家庭孩子放学后无人看管")
    assert row.get_attribute("data-met") == "0"

    # Match it: only the serving organisation's offers are offered.
    row.locator("a[data-match]").click()
    page.wait_for_url("**/community/projects/new/?need=*")
    offered = page.locator("#id_service_item option").all_inner_texts()
    assert any("四点半课堂辅导" in text for text in offered)
    assert not any("别处的课堂" in text for text in offered)
    page.select_option("#id_service_item", str(classroom.pk))
    page.select_option("#id_status", Project.Status.RUNNING.value)
    page.fill("#id_starts_on", "2020-09-15")
    page.fill("#id_people_served", "25")
    page.click("button[type=submit].primary")

    page.wait_for_url(f"**/community/pilots/{pilot.pk}/*")
    assert (_figure(page, "needs"), _figure(page, "met")) == ("2", "2")
    assert _figure(page, "rate") == "100.0%"
    assert page.locator("tr[data-need]", has_text="双职工家庭孩子放学后无人看管").get_attribute("data-met") == "1"
    assert page.locator("[data-list=projects]").inner_text().count("碑林为老服务中心") == 2
