from __future__ import annotations

import pytest

from community import selectors
from community.models import Category, IncubatedOrganization, Need, Project, ServiceItem
from community.tests.factories import NeedFactory, ProjectFactory
from engagement.models import PilotCommunity
from engagement.tests.factories import CommunityFactory, PilotCommunityFactory
from organizations.models import Area

pytestmark = pytest.mark.django_db


def test_a_need_is_met_by_a_running_or_completed_project_only(cm):
    met = {n.description: n.met for n in selectors.need_rows()}
    # Running (老人助餐) and completed (法律援助) meet; planned (日间照料) and none (四点半课堂) do not.
    assert met == {"老人助餐": True, "法律援助": True, "日间照料": False, "四点半课堂": False}
    stopped = NeedFactory(community=cm.b_pilot, description="停办")
    ProjectFactory(need=stopped, service_item=cm.b_item, status=Project.Status.STOPPED)
    assert not selectors.need_rows().get(pk=stopped.pk).met


def test_matching_summary_for_a_district(cm, beilin_user):
    summary = selectors.matching_summary(Need.objects.for_user(beilin_user))
    assert (summary["needs"], summary["met"], summary["unmet"]) == (3, 1, 2)
    assert summary["rate"] == pytest.approx(1 / 3)
    assert summary["unmet_by_category"] == [
        (Category.ELDERLY.value, Category.ELDERLY.label, 1),
        (Category.CHILDREN.value, Category.CHILDREN.label, 1),
    ]


def test_matching_summary_city_wide_and_per_district(cm, staff_user, beilin, yanta):
    needs = Need.objects.for_user(staff_user)
    summary = selectors.matching_summary(needs)
    assert (summary["needs"], summary["met"]) == (4, 2)
    rows = {row.label: (row.needs, row.met, row.rate) for row in selectors.district_rows(needs, [beilin, yanta])}
    assert rows == {"碑林区": (3, 1, pytest.approx(1 / 3)), "雁塔区": (1, 1, 1.0)}


def test_community_rows_include_communities_without_needs(cm, beilin_user, nanyuanmen):
    empty = PilotCommunityFactory(community=CommunityFactory(name="空社区", parent=nanyuanmen))
    rows = selectors.community_rows(Need.objects.for_user(beilin_user), PilotCommunity.objects.for_user(beilin_user))
    by_pk = {row.pk: (row.needs, row.met, row.rate) for row in rows}
    assert by_pk == {cm.b_pilot.pk: (3, 1, pytest.approx(1 / 3)), empty.pk: (0, 0, None)}


def test_empty_scope_has_no_rate(cm, lawyers_user):
    summary = selectors.matching_summary(Need.objects.for_user(lawyers_user))
    assert summary["needs"] == 0 and summary["rate"] is None


def test_community_page_parts(cm, beilin_user):
    page = selectors.community_page(cm.b_pilot, user=beilin_user)
    assert {n.description for n in page.needs} == {"老人助餐", "四点半课堂", "日间照料"}
    assert [n.met for n in page.needs][0] is False  # unmet first
    assert {p.pk for p in page.projects} == {cm.b_project.pk, cm.b_planned.pk}
    # Only the serving organisation's offers, not those of 碑林另一协会.
    assert [i.pk for i in page.service_items] == [cm.b_item.pk]
    assert [i.name for i in page.incubated] == ["保吉巷志愿者协会"]
    assert (page.figures["needs"], page.figures["met"]) == (3, 1)


def test_lawyers_see_only_their_organisations_service_items(cm, lawyers_user, beilin_user):
    assert list(ServiceItem.objects.for_user(lawyers_user)) == [cm.y_item]
    assert not Need.objects.for_user(lawyers_user).exists()
    assert not Project.objects.for_user(lawyers_user).exists()
    assert not IncubatedOrganization.objects.for_user(lawyers_user).exists()
    assert not selectors.pilot_pages(user=lawyers_user).exists()
    assert set(ServiceItem.objects.for_user(beilin_user)) == {cm.b_item, cm.b_other_item}
    assert Area.objects.exists()
