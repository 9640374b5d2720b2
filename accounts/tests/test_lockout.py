"""Lock-out after repeated login failures (accounts/lockout.py), proved through the real login page."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginFailure
from accounts.tests.factories import UserFactory

PASSWORD = "pw-test-123"


def post_login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def fail(client, username, times, **extra):
    for _ in range(times):
        response = post_login(client, username, "wrong-password", **extra)
        assert response.status_code == 200


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


def test_five_failures_lock_the_account_even_for_the_right_password(client, owner, settings):
    settings.LOCKOUT_FAILURE_LIMIT = 5
    fail(client, "owner", 4)
    fail(client, "owner", 1)
    response = post_login(client, "owner", PASSWORD)
    assert response.status_code == 200  # the form again, not a redirect
    assert "_auth_user_id" not in client.session
    text = response.content.decode()
    assert "登录失败次数过多" in text and "安全管理员" in text
    assert LoginFailure.objects.filter(username="owner").count() == 5


def test_the_failure_that_reaches_the_limit_already_says_locked(client, owner, settings):
    settings.LOCKOUT_FAILURE_LIMIT = 5
    fail(client, "owner", 3)
    assert "登录失败次数过多" not in post_login(client, "owner", "nope").content.decode()
    assert "登录失败次数过多" in post_login(client, "owner", "nope-again").content.decode()


def test_fewer_failures_than_the_limit_still_let_the_right_password_in_and_reset_the_count(client, owner, settings):
    settings.LOCKOUT_FAILURE_LIMIT = 5
    fail(client, "owner", 4)
    response = post_login(client, "owner", PASSWORD)
    assert response.status_code == 302
    assert not LoginFailure.objects.filter(username="owner").exists()


def test_the_lock_is_per_name_case_insensitive_and_other_accounts_still_log_in(client, owner, settings):
    settings.LOCKOUT_FAILURE_LIMIT = 3
    UserFactory(username="other")
    fail(client, "OWNER", 3)
    assert "_auth_user_id" not in post_login(client, "owner", PASSWORD).wsgi_request.session
    assert post_login(Client(), "other", PASSWORD).status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, owner, settings):
    settings.LOCKOUT_FAILURE_LIMIT = 3
    settings.LOCKOUT_COOLOFF_MINUTES = 30
    fail(client, "owner", 3)
    assert post_login(client, "owner", PASSWORD).status_code == 200
    LoginFailure.objects.update(attempted_at=timezone.now() - dt.timedelta(minutes=31))
    assert post_login(client, "owner", PASSWORD).status_code == 302


def test_an_address_guessing_many_names_is_locked(db, settings):
    settings.LOCKOUT_FAILURE_LIMIT = 5
    settings.LOCKOUT_ADDRESS_LIMIT = 6
    UserFactory(username="victim")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for name in ("a1", "a2", "a3", "a4", "a5", "a6"):
        post_login(attacker, name, "guess")
    response = post_login(attacker, "victim", PASSWORD)
    assert response.status_code == 200 and "登录失败次数过多" in response.content.decode()
    # The same account from another address is not locked: the lock was the address's.
    assert post_login(Client(REMOTE_ADDR="198.51.100.7"), "victim", PASSWORD).status_code == 302


def test_the_security_administrator_unlocks_in_the_admin(client, owner, settings):
    settings.LOCKOUT_FAILURE_LIMIT = 3
    fail(client, "owner", 3)
    assert post_login(client, "owner", PASSWORD).status_code == 200

    admin = UserFactory(username="secadmin", is_staff=True)
    admin.user_permissions.add(
        Permission.objects.get(codename="view_user"),
        Permission.objects.get(codename="delete_loginfailure"),
    )
    admin_client = Client()
    admin_client.force_login(admin)
    changelist = reverse("admin:accounts_user_changelist")
    assert "unlock" in admin_client.get(changelist).content.decode()
    response = admin_client.post(changelist, {"action": "unlock", "_selected_action": [owner.pk]}, follow=True)
    assert response.status_code == 200
    assert not LoginFailure.objects.filter(username="owner").exists()

    assert post_login(client, "owner", PASSWORD).status_code == 302


def test_staff_without_the_permission_get_no_unlock_action(client, owner):
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_user"))
    client.force_login(clerk)
    assert 'value="unlock"' not in client.get(reverse("admin:accounts_user_changelist")).content.decode()


def test_unlock_command(client, owner, settings):
    settings.LOCKOUT_FAILURE_LIMIT = 2
    fail(client, "owner", 2)
    call_command("unlock_user", "owner")
    assert post_login(client, "owner", PASSWORD).status_code == 302
