from __future__ import annotations

import datetime as dt

import factory

from community.models import Category, IncubatedOrganization, Need, Project, ServiceItem
from engagement.tests.factories import PilotCommunityFactory
from organizations.tests.factories import SocialOrganizationFactory


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    community = factory.SubFactory(PilotCommunityFactory)
    category = Category.ELDERLY
    description = factory.Sequence(lambda n: f"居民需求{n}")
    source = Need.Source.SURVEY
    recorded_on = dt.date(2020, 6, 1)


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem

    organization = factory.SubFactory(SocialOrganizationFactory)
    category = Category.ELDERLY
    description = factory.Sequence(lambda n: f"服务项目{n}")
    capacity = 200


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    need = factory.SubFactory(NeedFactory)
    service_item = factory.SubFactory(ServiceItemFactory)
    name = factory.Sequence(lambda n: f"项目{n}")
    starts_on = dt.date(2020, 7, 1)
    status = Project.Status.RUNNING
    people_served = 30


class IncubatedOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncubatedOrganization

    community = factory.SubFactory(PilotCommunityFactory)
    name = factory.Sequence(lambda n: f"社区社会组织{n}")
    started_on = dt.date(2020, 5, 1)
