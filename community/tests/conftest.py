"""Two pilot communities, one in 碑林区 (保吉巷社区) and one in 雁塔区, each
served by one organisation, with needs, offers and a project in each, so that
scope and figures can be asserted exactly."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from community.models import Category, Project
from community.tests.factories import IncubatedOrganizationFactory, NeedFactory, ProjectFactory, ServiceItemFactory
from engagement.tests.conftest import baojixiang, jixiangcun  # noqa: F401 (fixtures)
from engagement.tests.factories import PilotAssignmentFactory, PilotCommunityFactory
from organizations.tests.factories import SocialOrganizationFactory


@pytest.fixture
def cm(beilin, yanta, baojixiang, jixiangcun, justice):  # noqa: F811 (fixtures)
    org = SocialOrganizationFactory
    b_pilot = PilotCommunityFactory(community=baojixiang)
    y_pilot = PilotCommunityFactory(community=jixiangcun)
    b_org = org(name="碑林为老服务中心", area=beilin)
    b_other = org(name="碑林另一协会", area=beilin)
    y_law = org(name="雁塔律所", area=yanta, supervising_unit=justice)
    PilotAssignmentFactory(organization=b_org, community=b_pilot)
    PilotAssignmentFactory(organization=y_law, community=y_pilot)

    b_item = ServiceItemFactory(organization=b_org, category=Category.ELDERLY, description="助餐服务")
    b_other_item = ServiceItemFactory(organization=b_other, category=Category.ELDERLY, description="另一助餐")
    y_item = ServiceItemFactory(organization=y_law, category=Category.LEGAL_AID, description="法律咨询")

    b_need_met = NeedFactory(community=b_pilot, category=Category.ELDERLY, description="老人助餐")
    b_need_open = NeedFactory(community=b_pilot, category=Category.CHILDREN, description="四点半课堂")
    b_need_planned = NeedFactory(community=b_pilot, category=Category.ELDERLY, description="日间照料")
    y_need = NeedFactory(community=y_pilot, category=Category.LEGAL_AID, description="法律援助")

    b_project = ProjectFactory(need=b_need_met, service_item=b_item, status=Project.Status.RUNNING)
    b_planned = ProjectFactory(need=b_need_planned, service_item=b_item, status=Project.Status.PLANNED, people_served=0)
    y_project = ProjectFactory(
        need=y_need, service_item=y_item, status=Project.Status.COMPLETED, ends_on=dt.date(2020, 10, 1)
    )
    b_incubated = IncubatedOrganizationFactory(community=b_pilot, name="保吉巷志愿者协会")
    y_incubated = IncubatedOrganizationFactory(community=y_pilot, name="吉祥村文体队")
    return SimpleNamespace(**{k: v for k, v in locals().items() if k != "org"})
