"""Fixtures for the ratings tests, on top of the root conftest's small city."""

from __future__ import annotations

import datetime as dt

import pytest

from organizations.models import SocialOrganization
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from ratings.models import Evaluation, Pairing, Round
from ratings.tests.factories import make_evaluation, make_round

State = Evaluation.State


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


@pytest.fixture
def rated(dataset, law_party, yanta_party, round_2019, round_2020):
    """Beilin: p_a 4★ approved (3★ in 2019), joint submitted, law_party draft; Yanta: G approved 5★ → sent."""
    return {
        "p_a_2019": make_evaluation(dataset.p_a, round_2019, state=State.APPROVED, total=75),
        "p_a": make_evaluation(dataset.p_a, round_2020, state=State.APPROVED, total=85),
        "joint": make_evaluation(dataset.joint, round_2020, state=State.SUBMITTED, total=66),
        "law": make_evaluation(law_party, round_2020, state=State.DRAFT, total=71),
        "g": make_evaluation(yanta_party, round_2020, state=State.APPROVED, total=95),
    }


@pytest.fixture
def pairing(rated, dataset, staff_user):
    return Pairing.objects.create(
        partner=dataset.p_a,
        party_organization=dataset.joint,
        partner_stars=4,
        reason=Pairing.Reason.UNRATED,
        started_on=dt.date(2020, 6, 1),
        goals="规范三会一课",
        created_by=staff_user,
    )
