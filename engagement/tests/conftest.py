"""A hand-built set of engagement records in two districts and one industry,
so that scope and figures can be asserted exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from engagement.models import Contribution
from engagement.tests.factories import (
    CommunityFactory,
    ContributionFactory,
    PilotAssignmentFactory,
    PilotCommunityFactory,
    PlaqueAwardFactory,
    TrainingBaseFactory,
    TrainingSessionFactory,
)
from organizations.models import Area, SocialOrganization
from organizations.tests.factories import AreaFactory, SocialOrganizationFactory


@pytest.fixture
def baojixiang(nanyuanmen) -> Area:
    return CommunityFactory(code="610103-01-01", name="保吉巷社区", parent=nanyuanmen)


@pytest.fixture
def jixiangcun(yanta) -> Area:
    xiaozhai = AreaFactory(code="610113-01", name="小寨路街道", parent=yanta, level=Area.Level.SUBDISTRICT)
    return CommunityFactory(code="610113-01-01", name="吉祥村社区", parent=xiaozhai)


@pytest.fixture
def eng(beilin, yanta, baojixiang, jixiangcun, justice, culture):
    org = SocialOrganizationFactory
    law = SocialOrganization.Category.LAW_FIRM
    b_org = org(name="碑林文化协会", area=beilin, supervising_unit=culture, formal_party_members=5)
    b_law = org(name="碑林律所", area=beilin, supervising_unit=justice, category=law)
    y_org = org(name="雁塔服务中心", area=yanta, category=SocialOrganization.Category.SOCIAL_SERVICE)
    y_law = org(name="雁塔律所", area=yanta, supervising_unit=justice, category=law)

    b_base = TrainingBaseFactory(name="碑林基地", area=beilin, host_organization=b_org, is_provincial_point=True)
    y_base = TrainingBaseFactory(name="雁塔基地", area=yanta, host_organization=y_law)
    b_session = TrainingSessionFactory(base=b_base, topic="碑林培训", attendees=50, new_secretaries=20)
    y_session = TrainingSessionFactory(base=y_base, topic="雁塔培训", attendees=30, new_secretaries=5)

    b_pilot = PilotCommunityFactory(community=baojixiang)
    y_pilot = PilotCommunityFactory(community=jixiangcun)
    b_assign = PilotAssignmentFactory(organization=b_org, community=b_pilot, star_level_at_selection=4)
    b_law_assign = PilotAssignmentFactory(organization=b_law, community=b_pilot)
    y_assign = PilotAssignmentFactory(organization=y_law, community=y_pilot)
    b_plaque = PlaqueAwardFactory(organization=b_org, community=b_pilot)
    y_plaque = PlaqueAwardFactory(organization=y_law, community=y_pilot, agreement_signed=False)

    b_contrib = ContributionFactory(
        organization=b_org,
        kind=Contribution.Kind.POVERTY,
        made_on=dt.date(2019, 5, 1),
        money_yuan=Decimal("12000.00"),
        people_helped=30,
        description="碑林扶贫",
    )
    y_contrib = ContributionFactory(
        organization=y_law,
        money_yuan=Decimal("5000.00"),
        goods_value_yuan=Decimal("2500.50"),
        description="雁塔律所抗疫",
    )
    y_org_contrib = ContributionFactory(
        organization=y_org,
        money_yuan=Decimal("0.00"),
        goods_value_yuan=Decimal("800.00"),
        teams_sent=1,
        is_exemplary_case=True,
        description="雁塔医疗队",
    )
    return SimpleNamespace(**{k: v for k, v in locals().items() if k not in {"org", "law"}})
