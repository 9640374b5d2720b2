"""A district official records a party organisation in Chromium, picking the
covered organisation by typing part of its name and choosing with the keyboard."""

from __future__ import annotations

import re

import pytest

from conftest import log_in
from organizations.models import PartyOrganization
from organizations.tests.factories import SocialOrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_type_part_of_a_name_pick_with_the_keyboard_and_save(page, beilin_user, beilin, yanta):
    for n in range(30):
        SocialOrganizationFactory(name=f"碑林区第{n:02d}协会", area=beilin)
    # Yanta's namesake must never be offered to Beilin.
    SocialOrganizationFactory(name="雁塔区第07协会", area=yanta)

    log_in(page, "beilin")
    page.goto("/organizations/party/new/")
    # The page itself lists no organisation: they come from the endpoint as one types.
    assert page.locator("#id_organizations option").count() == 0

    page.fill("#id_name", "碑林区第07协会党支部")
    page.select_option("#id_formation", "standalone")
    page.select_option("#id_area", str(beilin.pk))
    page.fill("#id_established_on", "2020-06-01")

    # The label leads to the picker's search box: keyboard users land in it.
    page.click("label[for=id_organizations-ts-control]")
    control = page.locator("#id_organizations-ts-control")
    assert control.evaluate("el => el === document.activeElement")
    assert control.get_attribute("placeholder") == "输入名称或信用代码搜索…"
    page.keyboard.type("第0")
    options = page.locator(".ts-dropdown .option")
    options.first.wait_for()
    texts = options.all_inner_texts()
    assert len(texts) == 10 and all(t.startswith("碑林区第0") for t in texts), texts
    page.keyboard.type("7")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.ts-dropdown .option')].map(o => o.textContent).join('|')"
        ".startsWith('碑林区第07协会（碑林区）')"
    )
    assert page.locator(".ts-dropdown .option", has_text="雁塔区").count() == 0
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    # One item picked, and the hidden <select> now carries it (with a remove button beside it).
    assert page.locator(".ts-wrapper.multi .item").count() == 1
    picked = page.eval_on_selector("#id_organizations", "s => [...s.selectedOptions].map(o => o.textContent)")
    assert picked == ["碑林区第07协会（碑林区）"]

    page.press("#id_member_count", "Enter")
    page.wait_for_url(re.compile(r".*/organizations/party/\d+/$"))
    party = PartyOrganization.objects.get(name="碑林区第07协会党支部")
    assert [o.name for o in party.organizations.all()] == ["碑林区第07协会"]
    assert page.locator("main", has_text="碑林区第07协会").count() == 1
