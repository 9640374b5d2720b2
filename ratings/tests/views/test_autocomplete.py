"""Pairing pickers: partners (three stars or more) and party organisations that
may be helped, each in the user's scope; the form lists neither."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from ratings.models import Pairing

pytestmark = pytest.mark.django_db

PARTNERS = reverse("ratings:autocomplete-pairing-partners")
CANDIDATES = reverse("ratings:autocomplete-pairing-candidates")
CREATE = reverse("ratings:pairing-create")


def _rows(client, url: str, q: str) -> list[dict]:
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    return response.json()["results"]


def test_partners_are_three_stars_or_more_in_scope(
    login, staff_user, beilin_user, yanta_user, rated, dataset, yanta_party
):
    rows = _rows(login(staff_user), PARTNERS, "党支部")
    assert [(r["id"], r["text"]) for r in rows] == [
        (dataset.p_a.pk, "A 协会党支部（碑林区 · 4★）"),
        (yanta_party.pk, "G 律师事务所党支部（雁塔区 · 4★）"),
    ]
    assert [r["id"] for r in _rows(login(beilin_user), PARTNERS, "党支部")] == [dataset.p_a.pk]
    assert [r["id"] for r in _rows(login(yanta_user), PARTNERS, "A 协会")] == []


def test_candidates_are_weak_unrated_or_warned_in_scope(login, beilin_user, yanta_user, rated, dataset, law_party):
    ids = {r["id"] for r in _rows(login(beilin_user), CANDIDATES, "支部")}
    # Joint (submitted, undecided) and the law branch (draft) are unrated; p_a is 4★; p_f is dissolved.
    assert ids == {dataset.joint.pk, law_party.pk, dataset.p_h.pk}
    assert {r["id"] for r in _rows(login(yanta_user), CANDIDATES, "支部")} == set()


def test_the_pairing_form_lists_no_party_organisation(login, staff_user, rated, beilin):
    for n in range(30):
        org = SocialOrganizationFactory(name=f"碑林区协会{n:02d}", area=beilin)
        PartyOrganizationFactory(name=f"碑林区协会{n:02d}党支部", area=beilin, organizations=[org])
    html = login(staff_user).get(CREATE).content.decode()
    assert re.findall(r'<option value="\d+"', html) == []
    assert html.count("<option") == 2  # the two empty choices
    assert f'data-picker-url="{PARTNERS}"' in html and f'data-picker-url="{CANDIDATES}"' in html


def test_a_partner_from_another_district_is_refused(login, beilin_user, rated, dataset, yanta_party):
    response = login(beilin_user).post(
        CREATE,
        {"partner": yanta_party.pk, "party_organization": dataset.joint.pk, "started_on": "2020-06-01", "goals": "x"},
    )
    assert "该记录在此处不可选" in " ".join(response.context["form"].errors["partner"])
    assert "G 律师事务所党支部" not in response.content.decode()
    assert not Pairing.objects.exists()
