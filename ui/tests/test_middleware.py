import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_chinese_by_default_even_for_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


def test_english_when_chosen(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    page = client.get(reverse("login"))
    assert page.headers["Content-Language"] == "en" and "Log in" in page.content.decode()


def test_an_unknown_cookie_value_falls_back_to_chinese(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert client.get(reverse("login")).headers["Content-Language"] == "zh-hans"


def test_signed_in_pages_json_and_exports_are_not_stored(client, staff_user):
    client.force_login(staff_user)
    for url in (
        reverse("home"),
        reverse("organizations:organization-list"),
        reverse("dashboard:chart-coverage-trend"),
        reverse("organizations:organization-list") + "?_export=csv",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url
        assert "camera=()" in response["Permissions-Policy"], url


def test_a_signed_out_visitor_gets_the_permissions_policy_too(client):
    response = client.get(reverse("login"))
    assert "geolocation=()" in response["Permissions-Policy"]


def test_after_logging_out_the_pages_were_never_stored(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("home"))["Cache-Control"] == "no-store"
    client.post(reverse("logout"))
    response = client.get(reverse("home"))
    assert response.status_code == 302  # to the login page: nothing kept to go back to


def test_every_response_has_a_content_security_policy_without_inline_scripts(client, staff_user):
    responses = [client.get(reverse("login"))]
    client.force_login(staff_user)
    responses += [client.get(reverse("home")), client.get(reverse("dashboard:chart-coverage-trend"))]
    for response in responses:
        policy = dict(part.split(" ", 1) for part in response["Content-Security-Policy"].split("; "))
        assert policy["script-src"] == "'self'" and "unsafe-inline" not in policy["script-src"]
        assert (policy["object-src"], policy["frame-ancestors"]) == ("'none'", "'none'")


def test_no_template_holds_an_inline_script_handler_or_javascript_url():
    # The policy refuses them; a browser test would only catch the pages it visits.
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.IGNORECASE)
    offenders = []
    for root in [Path(settings.BASE_DIR)]:
        for template in root.glob("**/templates/**/*.html"):
            if ".venv" in template.parts:
                continue
            for number, line in enumerate(template.read_text().splitlines(), 1):
                if inline.search(line):
                    offenders.append(f"{template.relative_to(root)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
