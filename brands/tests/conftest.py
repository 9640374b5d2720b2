"""Party organisations in two districts and one industry, rated 3, 2 and not
at all, so that the three-star rule and the scope can be asserted exactly."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from brands.models import Brand
from brands.services import BrandData, brand_create
from organizations.tests.factories import PartyOrganizationFactory
from ratings.models import Evaluation
from ratings.tests.factories import make_evaluation, make_round

State = Evaluation.State


def rate(party, round_, stars: int, state: str = State.APPROVED):
    return make_evaluation(party, round_, state=state, total=95, final_stars=stars)


@pytest.fixture
def rounds(db):
    return SimpleNamespace(r2019=make_round(2019, closed=True), r2020=make_round(2020))


@pytest.fixture
def parties(beilin, yanta, justice, rounds):
    three = PartyOrganizationFactory(name="碑林三星党支部", area=beilin, supervising_unit=justice)
    two = PartyOrganizationFactory(name="碑林二星党支部", area=beilin)
    unrated = PartyOrganizationFactory(name="碑林未评党支部", area=beilin)
    yanta_four = PartyOrganizationFactory(name="雁塔四星党支部", area=yanta)
    rate(three, rounds.r2020, 3)
    rate(two, rounds.r2020, 2)
    rate(yanta_four, rounds.r2020, 4)
    return SimpleNamespace(three=three, two=two, unrated=unrated, yanta_four=yanta_four)


def brand_data(party, **overrides) -> BrandData:
    values = {
        "party_organization": party,
        "name": "红色物业·幸福家园",
        "description": "以党建引领物业服务，打造幸福小区。",
        "year": 2020,
        "level": Brand.Level.DISTRICT,
        "promotion": "",
    }
    return BrandData(**{**values, **overrides})


@pytest.fixture
def brands(parties, staff_user):
    """One brand in Beilin (three stars, industry: justice) and one in Yanta."""
    return SimpleNamespace(
        beilin=brand_create(actor=staff_user, data=brand_data(parties.three, name="律动先锋")),
        yanta=brand_create(
            actor=staff_user, data=brand_data(parties.yanta_four, name="雁塔红帆", level=Brand.Level.CITY, year=2019)
        ),
    )
