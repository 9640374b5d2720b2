"""Idle timeout and one live session per account (accounts/sessions.py)."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.sessions import LAST_SEEN_KEY, SESSION_TOKEN_KEY
from accounts.tests.factories import UserFactory

PASSWORD = "pw-test-123"


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


def log_in(client, username="owner"):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def age_session(client, seconds):
    session = client.session
    session[LAST_SEEN_KEY] = session[LAST_SEEN_KEY] - seconds
    session.save()


def test_the_session_cookie_lasts_no_longer_than_the_idle_timeout(client, owner, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    response = client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_a_request_within_the_idle_timeout_keeps_the_session(client, owner):
    log_in(client)
    age_session(client, 29 * 60)
    assert client.get(reverse("home")).status_code == 200
    # ...and renews it: another 29 minutes later it is still alive.
    age_session(client, 29 * 60)
    assert client.get(reverse("home")).status_code == 200


def test_thirty_minutes_without_a_request_end_the_session(client, owner):
    log_in(client)
    age_session(client, 30 * 60 + 1)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "您长时间未操作" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_idle_timeout_is_configurable(client, owner, settings):
    settings.SESSION_COOKIE_AGE = 5 * 60
    log_in(client)
    age_session(client, 5 * 60 + 1)
    assert client.get(reverse("home")).status_code == 302


def test_an_expired_stored_session_is_gone(client, owner):
    """The stored session expires with the cookie: Django then sees no session at all."""
    log_in(client)
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=timezone.now())
    assert client.get(reverse("home")).status_code == 302


def test_a_new_login_ends_the_old_session_with_a_notice(owner):
    first = log_in(Client())
    assert first.get(reverse("home")).status_code == 200
    second = log_in(Client())
    assert second.get(reverse("home")).status_code == 200

    response = first.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "您的账号已在其他地方登录" in response.content.decode()
    assert "_auth_user_id" not in first.session
    # The new session is untouched.
    assert second.get(reverse("home")).status_code == 200


def test_other_accounts_keep_their_sessions(owner):
    UserFactory(username="colleague")
    colleague = log_in(Client(), "colleague")
    log_in(Client())
    log_in(Client())
    assert colleague.get(reverse("home")).status_code == 200


def test_force_login_also_starts_the_single_live_session(owner):
    first, second = Client(), Client()
    first.force_login(owner)
    assert first.session[SESSION_TOKEN_KEY]
    second.force_login(owner)
    assert first.get(reverse("home")).status_code == 302
    assert second.get(reverse("home")).status_code == 200


def test_a_signed_in_page_gets_no_session_write_within_a_minute(client, owner):
    log_in(client)
    client.get(reverse("home"))
    stamp = client.session[LAST_SEEN_KEY]
    assert time.time() - stamp < 60
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    assert not [q for q in queries if "django_session" in q["sql"] and not q["sql"].lstrip().startswith("SELECT")]
    assert client.session[LAST_SEEN_KEY] == stamp
