import pytest
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
