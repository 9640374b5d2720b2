"""In Chromium: staff enrol an authenticator by the page's secret and a real code, then log in again with a
code; the pages fit a phone's width. BROWSER_SCREENSHOTS=<dir> keeps screenshots of both pages."""

import os
from base64 import b32decode

import pytest
from django.test import override_settings
from django_otp.oath import totp

from accounts.models import User
from accounts.tests.factories import UserFactory
from conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def shoot(page, name):
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@override_settings(OTP_REQUIRED_FOR_STAFF=True)
def test_staff_enrol_then_give_a_code_at_the_next_login(page):
    UserFactory(username="staff", role=User.Role.STAFF)
    log_in(page, "staff")
    page.wait_for_url("**/two-factor/enrol/**")
    assert page.locator(".qr svg").is_visible()
    shoot(page, "enrol-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    assert fits(page)
    shoot(page, "enrol-390")

    # What a user types into an authenticator app by hand is enough to get the codes.
    key = b32decode(page.locator(".secret code").inner_text().replace(" ", ""))
    page.fill("#id_code", f"{totp(key):06d}")
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/two-factor/" not in url)
    assert "已启用两步验证" in page.content()

    page.set_viewport_size({"width": 1400, "height": 900})
    page.locator("header form[action='/logout/'] button").click()
    page.wait_for_url("**/login/**")
    log_in(page, "staff")
    page.wait_for_url("**/two-factor/verify/**")
    shoot(page, "verify-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    assert fits(page)
    shoot(page, "verify-390")
    page.fill("#id_code", f"{totp(key, drift=1):06d}")
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/two-factor/" not in url)
    assert page.locator("#id_code").count() == 0
