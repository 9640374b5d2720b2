from __future__ import annotations

import datetime as dt
import random

import factory

from organizations.creditcode import make_credit_code
from organizations.models import Area, InstructorAssignment, PartyOrganization, SocialOrganization, SupervisingUnit

_rng = random.Random(7)

CATEGORY_PREFIX = {
    SocialOrganization.Category.SOCIAL_GROUP: "51",
    SocialOrganization.Category.SOCIAL_SERVICE: "52",
    SocialOrganization.Category.FOUNDATION: "53",
    SocialOrganization.Category.LAW_FIRM: "31",
    SocialOrganization.Category.ACCOUNTING_FIRM: "91",
}


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    level = Area.Level.DISTRICT
    parent = factory.LazyFunction(lambda: CityFactory())
    division_code = "610103"


class CityFactory(AreaFactory):
    code = "610100"
    name = "西安市"
    level = Area.Level.CITY
    parent = None
    division_code = "610100"


class SupervisingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisingUnit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试业务主管单位{n}")
    has_industry_committee = False


class SocialOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialOrganization

    name = factory.Sequence(lambda n: f"测试社会组织{n}")
    category = SocialOrganization.Category.SOCIAL_GROUP
    credit_code = factory.LazyAttribute(
        lambda o: make_credit_code(CATEGORY_PREFIX[o.category], o.area.division_code or "610100", _rng)
    )
    area = factory.SubFactory(AreaFactory)
    registered_on = dt.date(2015, 5, 1)
    staff_count = 20
    formal_party_members = 0


class PartyOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyOrganization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试党支部{n}")
    kind = PartyOrganization.Kind.BRANCH
    formation = PartyOrganization.Formation.STANDALONE
    area = factory.SubFactory(AreaFactory)
    secretary = "张书记"
    established_on = dt.date(2019, 1, 1)
    term_due_on = dt.date(2022, 1, 1)
    member_count = 3

    @factory.post_generation
    def organizations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organizations.set(extracted)


class InstructorAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstructorAssignment

    organization = factory.SubFactory(SocialOrganizationFactory)
    person_name = "李指导员"
    started_on = dt.date(2020, 1, 1)
