"""Fixtures for the ratings tests, on top of the root conftest's small city."""

from __future__ import annotations

import pytest

from organizations.models import SocialOrganization
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from ratings.models import Round
from ratings.tests.factories import make_round


@pytest.fixture
def round_2019(db) -> Round:
    return make_round(2019, closed=True, province_total=41)


@pytest.fixture
def round_2020(db) -> Round:
    return make_round(2020, province_total=59)


@pytest.fixture
def law_party(beilin, justice):
    """A law-firm branch in Beilin: in scope for both the Beilin official and the lawyers' committee."""
    firm = SocialOrganizationFactory(
        name="碑林律所",
        area=beilin,
        supervising_unit=justice,
        category=SocialOrganization.Category.LAW_FIRM,
        formal_party_members=4,
    )
    return PartyOrganizationFactory(name="碑林律所党支部", area=beilin, supervising_unit=justice, organizations=[firm])


@pytest.fixture
def yanta_party(dataset):
    """G 律师事务所's branch in Yanta (the lawyers' committee sees it too)."""
    return PartyOrganizationFactory(
        name="G 律师事务所党支部",
        area=dataset.g.area,
        supervising_unit=dataset.g.supervising_unit,
        organizations=[dataset.g],
    )
