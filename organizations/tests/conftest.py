"""A hand-built dataset whose coverage figures are worked out by hand."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from organizations.models import PartyOrganization, SocialOrganization
from organizations.tests.factories import (
    InstructorAssignmentFactory,
    PartyOrganizationFactory,
    SocialOrganizationFactory,
)


@pytest.fixture
def dataset(beilin, yanta, justice, culture):
    org = SocialOrganizationFactory
    a = org(name="A 协会", area=beilin, formal_party_members=5, supervising_unit=culture)
    b = org(name="B 协会", area=beilin, formal_party_members=1, supervising_unit=culture)
    c = org(name="C 服务中心", area=beilin, formal_party_members=4, category=SocialOrganization.Category.SOCIAL_SERVICE)
    d = org(name="D 基金会", area=beilin, formal_party_members=0, category=SocialOrganization.Category.FOUNDATION)
    e = org(name="E 协会", area=beilin, formal_party_members=0)
    f = org(name="F 协会", area=beilin, formal_party_members=2)
    g = org(
        name="G 律师事务所", area=yanta, formal_party_members=3, supervising_unit=justice,
        category=SocialOrganization.Category.LAW_FIRM,
    )
    h = org(
        name="H 协会（已注销）", area=beilin, formal_party_members=5,
        status=SocialOrganization.Status.DEREGISTERED, deregistered_on=dt.date(2020, 3, 1),
    )
    party = PartyOrganizationFactory
    p_a = party(name="A 协会党支部", area=beilin, organizations=[a])
    joint = party(name="B、C 联合党支部", area=beilin, formation=PartyOrganization.Formation.JOINT, organizations=[b, c])
    p_f = party(
        name="F 协会党支部（已撤销）", area=beilin, organizations=[f], status=PartyOrganization.Status.DISSOLVED,
        dissolved_on=dt.date(2020, 1, 1),
    )
    p_h = party(name="H 协会党支部", area=beilin, organizations=[h])
    InstructorAssignmentFactory(organization=d, started_on=dt.date(2020, 1, 1))
    InstructorAssignmentFactory(organization=e, started_on=dt.date(2019, 1, 1), ended_on=dt.date(2020, 6, 30))
    return SimpleNamespace(a=a, b=b, c=c, d=d, e=e, f=f, g=g, h=h, p_a=p_a, joint=joint, p_f=p_f, p_h=p_h)
