"""Pages: scope on the list, detail, forms, delete and export; roles; filters;
the party organisation's page; the picker."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from brands.models import Brand
from brands.services import brand_create

from .conftest import brand_data

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"brands:{name}", args=args)


def _rows(response) -> set[int]:
    return {row.record.pk for row in response.context["table"].page.object_list}


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _form(party, **overrides) -> dict:
    data = brand_data(party, **overrides)
    return {
        "party_organization": data.party_organization.pk,
        "name": data.name,
        "description": data.description,
        "year": data.year,
        "level": data.level,
        "promotion": data.promotion,
    }


def test_each_user_lists_the_brands_in_their_scope(
    login, brands, beilin_user, yanta_user, lawyers_user, leader_user, staff_user
):
    expected = {
        beilin_user: {brands.beilin.pk},
        yanta_user: {brands.yanta.pk},
        lawyers_user: {brands.beilin.pk},  # the Beilin branch is under the justice bureau
        leader_user: {brands.beilin.pk, brands.yanta.pk},
        staff_user: {brands.beilin.pk, brands.yanta.pk},
    }
    for user, pks in expected.items():
        assert _rows(login(user).get(url("brand-list"))) == pks, user.username


def test_beilin_cannot_open_or_change_yantas_brand_by_url(login, brands, beilin_user, parties):
    client = login(beilin_user)
    for name in ("brand-detail", "brand-update", "brand-delete"):
        assert client.get(url(name, brands.yanta.pk)).status_code == 404, name
    assert client.post(url("brand-update", brands.yanta.pk), _form(parties.yanta_four)).status_code == 404
    assert client.post(url("brand-delete", brands.yanta.pk)).status_code == 404
    assert Brand.objects.filter(pk=brands.yanta.pk).exists()
    # Nor name a brand for Yanta's party organisation through the form.
    response = client.post(url("brand-create"), _form(parties.yanta_four, name="越界品牌"))
    assert response.status_code == 200 and not Brand.objects.filter(name="越界品牌").exists()


@pytest.mark.parametrize("who", ["leader", "lawyers"])
def test_readers_cannot_post(login, brands, parties, who, leader_user, lawyers_user):
    client = login({"leader": leader_user, "lawyers": lawyers_user}[who])
    assert client.get(url("brand-create")).status_code == 403
    assert client.post(url("brand-create"), _form(parties.three, name="新", level="city")).status_code == 403
    assert client.post(url("brand-update", brands.beilin.pk), _form(parties.three, name="改")).status_code == 403
    assert client.post(url("brand-delete", brands.beilin.pk)).status_code == 403
    assert Brand.objects.count() == 2 and Brand.objects.get(pk=brands.beilin.pk).name == "律动先锋"
    # No buttons that would be refused.
    html = client.get(url("brand-detail", brands.beilin.pk)).content.decode()
    assert url("brand-update", brands.beilin.pk) not in html and url("brand-delete", brands.beilin.pk) not in html


def test_a_district_official_creates_edits_and_deletes_through_the_pages(login, parties, beilin_user):
    client = login(beilin_user)
    response = client.post(url("brand-create"), _form(parties.three, promotion="碑林发布"))
    brand = Brand.objects.get()
    assert response.status_code == 302 and response.url == brand.get_absolute_url()
    response = client.post(url("brand-update", brand.pk), _form(parties.three, level="city", year=2019))
    brand.refresh_from_db()
    assert (brand.level, brand.year) == ("city", 2019)
    assert client.post(url("brand-delete", brand.pk)).status_code == 302
    assert not Brand.objects.exists()


def test_the_form_shows_the_three_star_refusal_on_the_field(login, parties, beilin_user):
    response = login(beilin_user).post(url("brand-create"), _form(parties.two))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["party_organization"])
    assert "碑林二星党支部" in errors and "2" in errors
    assert not Brand.objects.exists()


def test_list_filters(login, brands, parties, staff_user, beilin, yanta):
    client = login(staff_user)
    assert _rows(client.get(url("brand-list"), {"level": "city"})) == {brands.yanta.pk}
    assert _rows(client.get(url("brand-list"), {"level": "district"})) == {brands.beilin.pk}
    assert _rows(client.get(url("brand-list"), {"area": beilin.pk})) == {brands.beilin.pk}
    assert _rows(client.get(url("brand-list"), {"area": yanta.pk})) == {brands.yanta.pk}
    assert _rows(client.get(url("brand-list"), {"year": 2019})) == {brands.yanta.pk}
    assert _rows(client.get(url("brand-list"), {"q": "律动"})) == {brands.beilin.pk}
    assert _rows(client.get(url("brand-list"), {"q": "律动", "level": "city"})) == set()


def test_csv_and_xlsx_export_the_filtered_rows_in_scope(login, brands, beilin_user, staff_user):
    rows = _csv(login(beilin_user).get(url("brand-list") + "?_export=csv"))
    assert [r[0] for r in rows[1:]] == ["律动先锋"]
    response = login(staff_user).get(url("brand-list") + "?level=city&_export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["雁塔红帆"]


def test_the_party_organisations_page_shows_its_brands(login, brands, parties, beilin_user):
    html = login(beilin_user).get(parties.three.get_absolute_url()).content.decode()
    assert "律动先锋" in html and url("brand-detail", brands.beilin.pk) in html


def test_the_picker_offers_the_users_active_party_organisations_with_their_stars(login, parties, beilin_user):
    results = login(beilin_user).get(url("autocomplete-party-organizations"), {"q": "党支部"}).json()["results"]
    texts = {r["id"]: r["text"] for r in results}
    assert set(texts) == {parties.three.pk, parties.two.pk, parties.unrated.pk}
    assert "3★" in texts[parties.three.pk]


def test_a_second_brand_for_another_organisation_keeps_the_lists_apart(login, parties, brands, staff_user):
    brand_create(actor=staff_user, data=brand_data(parties.yanta_four, name="雁塔区级品牌"))
    assert len(_rows(login(staff_user).get(url("brand-list"), {"level": "district"}))) == 2
