"""Pairing pages (结对共建): scope from both sides, the export, and the forms
that pair two party organisations and record progress."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from organizations.tests.factories import PartyOrganizationFactory
from ratings import services
from ratings.models import Pairing

from .pages import PAIRINGS, csv_rows

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------
# Scope
# --------------------------------------------------------------------------


def test_another_districts_pairing_is_404(login, yanta_user, beilin_user, pairing):
    for name in ("pairing-detail", "pairing-update"):
        url = reverse(f"ratings:{name}", args=[pairing.pk])
        assert login(yanta_user).get(url).status_code == 404
        assert login(beilin_user).get(url).status_code == 200
    assert (
        login(yanta_user)
        .post(reverse("ratings:pairing-update", args=[pairing.pk]), {"status": "ended", "progress_notes": "x"})
        .status_code
        == 404
    )


def test_a_pairing_is_seen_from_both_sides(login, yanta_user, rated, dataset, yanta_party):
    cross = Pairing.objects.create(
        partner=yanta_party,
        party_organization=dataset.joint,
        partner_stars=4,
        reason=Pairing.Reason.UNRATED,
        started_on=dt.date(2020, 6, 1),
        goals="跨区结对",
    )
    assert login(yanta_user).get(reverse("ratings:pairing-detail", args=[cross.pk])).status_code == 200
    # In the list too, with or without the area filter's default for a district official.
    listed = login(yanta_user).get(PAIRINGS).context["table"].page.object_list
    assert [row.record.pk for row in listed] == [cross.pk]


def test_only_the_helped_side_changes_a_pairing(login, yanta_user, beilin_user, rated, dataset, yanta_party):
    cross = Pairing.objects.create(
        partner=yanta_party,
        party_organization=dataset.joint,
        partner_stars=4,
        reason=Pairing.Reason.UNRATED,
        started_on=dt.date(2020, 6, 1),
        goals="跨区结对",
    )
    url = reverse("ratings:pairing-update", args=[cross.pk])
    response = login(yanta_user).post(url, {"progress_notes": "改写", "status": "ended"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.pairing_update(actor=yanta_user, pairing=cross, progress_notes="改写", status="ended")
    cross.refresh_from_db()
    assert (cross.status, cross.progress_notes) == (Pairing.Status.ACTIVE, "")
    assert login(beilin_user).get(url).status_code == 200


def test_pairing_search_finds_either_side_and_sorts_by_index(login, staff_user, pairing, dataset, yanta_party):
    other = Pairing.objects.create(
        partner=yanta_party,
        party_organization=dataset.joint,
        partner_stars=5,
        reason=Pairing.Reason.UNRATED,
        started_on=dt.date(2020, 7, 1),
        goals="跨区结对",
    )
    client = login(staff_user)

    def found(query):
        return [row.record.pk for row in client.get(PAIRINGS, {"q": query}).context["table"].page.object_list]

    # The helper (A, G) or the helped (B、C) side's name; newest first.
    assert found("协会") == [pairing.pk]
    assert found("律师事务所") == [other.pk]
    assert found("联合党支部") == [other.pk, pairing.pk]
    assert found("无此党组织") == []
    table = client.get(PAIRINGS).context["table"]
    assert {c.name for c in table.columns if c.orderable} == {"partner", "party_organization", "started_on"}
    by_partner = client.get(PAIRINGS, {"sort": "partner"}).context["table"].page.object_list
    assert [row.record.partner.name for row in by_partner] == ["A 协会党支部", "G 律师事务所党支部"]


def test_pairing_export_is_scoped(login, beilin_user, pairing, dataset, yanta_party, round_2020):
    Pairing.objects.create(
        partner=yanta_party,
        party_organization=PartyOrganizationFactory(area=yanta_party.area),
        partner_stars=5,
        reason=Pairing.Reason.UNRATED,
        started_on=dt.date(2020, 7, 1),
        goals="雁塔内部",
    )
    rows = csv_rows(login(beilin_user).get(PAIRINGS + "?_export=csv"))
    assert [r[0] for r in rows[1:]] == ["A 协会党支部"]


# --------------------------------------------------------------------------
# Forms
# --------------------------------------------------------------------------


def test_pairing_form_offers_only_what_the_rule_allows_and_the_service_decides(login, staff_user, rated, dataset):
    client = login(staff_user)
    response = client.get(reverse("ratings:pairing-create"))
    form = response.context["form"]
    assert set(form.fields["partner"].queryset.values_list("name", flat=True)) == {"A 协会党支部", "G 律师事务所党支部"}
    assert "A 协会党支部" not in set(form.fields["party_organization"].queryset.values_list("name", flat=True))
    response = client.post(
        reverse("ratings:pairing-create"),
        {
            "partner": dataset.p_a.pk,
            "party_organization": dataset.joint.pk,
            "started_on": "2020-06-01",
            "goals": "规范三会一课",
        },
    )
    assert response.status_code == 302
    pairing = Pairing.objects.get()
    assert (pairing.partner_stars, pairing.reason, pairing.created_by) == (4, "unrated", staff_user)
    response = client.post(
        reverse("ratings:pairing-update", args=[pairing.pk]),
        {"progress_notes": "已开展联学", "status": "completed", "ended_on": ""},
    )
    pairing.refresh_from_db()
    assert pairing.status == "completed" and pairing.ended_on is not None


def test_pairing_create_shows_the_rule_message(login, staff_user, rated, dataset):
    # Submitted, not decided: joint is not a partner.
    response = login(staff_user).post(
        reverse("ratings:pairing-create"),
        {
            "partner": dataset.joint.pk,
            "party_organization": dataset.p_a.pk,
            "started_on": "2020-06-01",
            "goals": "x",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not Pairing.objects.exists()
