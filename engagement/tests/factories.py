from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from engagement.models import (
    Contribution,
    PilotAssignment,
    PilotCommunity,
    PlaqueAward,
    TrainingBase,
    TrainingSession,
)
from organizations.models import Area
from organizations.tests.factories import AreaFactory, SocialOrganizationFactory


class CommunityFactory(AreaFactory):
    """A community under a sub-district (pass `parent`)."""

    level = Area.Level.COMMUNITY
    code = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Sequence(lambda n: f"测试社区{n}")
    division_code = ""


class TrainingBaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingBase

    name = factory.Sequence(lambda n: f"测试实训基地{n}")
    area = factory.SubFactory(AreaFactory)
    host_organization = factory.SubFactory(SocialOrganizationFactory, area=factory.SelfAttribute("..area"))
    offers_listening = True
    offers_practising = True


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    base = factory.SubFactory(TrainingBaseFactory)
    held_on = dt.date(2020, 6, 1)
    topic = factory.Sequence(lambda n: f"新任书记培训班{n}")
    attendees = 40
    new_secretaries = 10


class PilotCommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PilotCommunity

    community = factory.SubFactory(CommunityFactory)
    selected_on = dt.date(2020, 3, 16)


class PilotAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PilotAssignment

    organization = factory.SubFactory(SocialOrganizationFactory)
    community = factory.SubFactory(PilotCommunityFactory)
    selected_on = dt.date(2020, 4, 1)


class PlaqueAwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlaqueAward

    organization = factory.SubFactory(SocialOrganizationFactory)
    awarded_on = dt.date(2020, 4, 26)
    place = "碑林区南院门街道保吉巷社区"
    agreement_signed = True


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    organization = factory.SubFactory(SocialOrganizationFactory)
    made_on = dt.date(2020, 2, 10)
    kind = Contribution.Kind.EPIDEMIC
    money_yuan = Decimal("1000.00")
