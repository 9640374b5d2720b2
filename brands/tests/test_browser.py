"""A district official names a brand in Chromium: the two-star branch is
refused with its stars, the three-star one is accepted, and the dashboard's
district-level count opens the list holding it."""

from __future__ import annotations

import re

import pytest

from brands.models import Brand
from conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pick(page, words: str, expected: str) -> None:
    page.click("label[for=id_party_organization-ts-control]")
    page.keyboard.type(words)
    page.locator(".ts-dropdown .option", has_text=expected).first.wait_for()
    page.locator(".ts-dropdown .option", has_text=expected).first.click()


def test_beilin_is_refused_for_two_stars_then_names_a_three_star_brand(page, recounted, parties, beilin_user):
    log_in(page, "beilin")
    page.goto("/brands/new/")
    _pick(page, "二星", "碑林二星党支部")
    page.fill("#id_name", "红色物业·幸福家园")
    page.fill("#id_description", "以党建引领物业服务。")
    page.select_option("#id_level", "district")
    page.click("button[type=submit].primary")
    page.locator("text=最近一次审定为2星级").wait_for()
    assert not Brand.objects.exists()

    _pick(page, "三星", "碑林三星党支部")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/brands/\d+/$"))
    brand = Brand.objects.get()
    assert brand.party_organization == parties.three

    page.goto("/")
    page.click("[data-figure=brands_district]")
    page.wait_for_url(re.compile(r".*/brands/\?level=district$"))
    assert page.locator("table tbody tr", has_text="红色物业·幸福家园").count() == 1
