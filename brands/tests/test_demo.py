"""The demo step names brands only for party organisations of three stars or
more, from its own generator, and is skipped when brands exist."""

from __future__ import annotations

import random

import pytest

from brands.demo import seed_brands
from brands.models import Brand
from organizations.tests.factories import PartyOrganizationFactory

from .conftest import rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(parties, rounds, beilin, yanta):
    """Forty more strong organisations across both districts, beside the weak ones."""
    for n in range(40):
        party = PartyOrganizationFactory(name=f"强党支部{n}", area=beilin if n % 2 else yanta)
        stars = (3, 4, 5)[n % 3]
        rate(party, rounds.r2020, stars, state="certified" if stars == 5 else "approved")
    return parties


def _rows():
    return sorted(Brand.objects.values_list("party_organization__name", "name", "level", "year", "promotion"))


def test_brands_go_to_three_stars_and_up_across_the_districts(many):
    assert seed_brands(random.Random(1)) == 36
    names = set(Brand.objects.values_list("party_organization__name", flat=True))
    assert not names & {many.two.name, many.unrated.name}
    levels = list(Brand.objects.values_list("level", flat=True))
    assert (levels.count("district"), levels.count("city"), levels.count("province")) == (24, 9, 3)
    # The provincial brands go to five-star (certified) organisations.
    provincial = Brand.objects.filter(level="province").select_related("party_organization")
    assert all(b.party_organization.evaluations.get().final_stars == 5 for b in provincial)
    assert set(Brand.objects.values_list("party_organization__area__name", flat=True)) == {"碑林区", "雁塔区"}
    assert all(2016 <= year <= 2020 for year in Brand.objects.values_list("year", flat=True))


def test_the_step_is_deterministic_and_skipped_when_brands_exist(many):
    seed_brands(random.Random(7))
    first = _rows()
    assert seed_brands(random.Random(7)) == 0
    Brand.objects.all().delete()
    seed_brands(random.Random(7))
    assert _rows() == first
