"""The landing dashboard counts the user's brands by level, each count opening the list of exactly those brands."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from brands.models import Brand
from brands.services import brand_create
from organizations.tests.factories import PartyOrganizationFactory

from .conftest import brand_data, rate

pytestmark = pytest.mark.django_db


def _counts(html: str) -> dict[str, tuple[int, str]]:
    """{level: (count shown, the link around it)}."""
    found = re.findall(r'<a href="([^"]+)"[^>]*><span data-figure="brands_(\w+)">(\d+)</span></a>', html)
    return {level: (int(count), href.replace("&amp;", "&")) for href, level, count in found}


@pytest.fixture
def more_brands(brands, parties, rounds, beilin, staff_user):
    # Beilin: two district-level, one city-level; Yanta: one city-level (brands.yanta).
    other = PartyOrganizationFactory(name="碑林另一三星党支部", area=beilin)
    rate(other, rounds.r2020, 4)
    brand_create(actor=staff_user, data=brand_data(other, name="红色物业·幸福家园"))
    brand_create(actor=staff_user, data=brand_data(other, name="邻里守望", level=Brand.Level.CITY))
    return brands


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff_user", {"district": 2, "city": 2, "province": 0}),
        ("leader_user", {"district": 2, "city": 2, "province": 0}),
        ("beilin_user", {"district": 2, "city": 1, "province": 0}),
        ("yanta_user", {"district": 0, "city": 1, "province": 0}),
        ("lawyers_user", {"district": 1, "city": 0, "province": 0}),
    ],
)
def test_brands_by_level_are_counted_in_scope_and_link_to_their_rows(
    request, login, recounted, more_brands, who, expected
):
    client = login(request.getfixturevalue(who))
    counts = _counts(client.get(reverse("home")).content.decode())
    assert {level: count for level, (count, _href) in counts.items()} == expected
    for level, (count, href) in counts.items():
        assert href == reverse("brands:brand-list") + f"?level={level}"
        assert client.get(href).context["table"].paginator.count == count, level
