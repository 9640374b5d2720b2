"""Password expiry and the forced change of a password an administrator set (accounts/password_expiry.py).

Ages are on the wall clock: the tests move password_changed_at back with
timezone.now(), as the middleware compares with timezone.now()."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.password_expiry import EXPIRED, SET_BY_ADMIN, password_change_reason
from accounts.tests.factories import UserFactory
from organizations.demo import seed_demo_users

OLD = "pw-test-123"
NEW = "Harbour-Lantern-72"


@pytest.fixture
def owner(db):
    return UserFactory(username="owner", role=User.Role.STAFF)


def age(user, days):
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=days))
    user.refresh_from_db()


def test_setting_a_password_stamps_it(owner):
    before = timezone.now()
    owner.set_password(NEW)
    owner.save()
    owner.refresh_from_db()
    assert before <= owner.password_changed_at <= timezone.now()
    assert not owner.must_change_password


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_a_password_expires_after_the_maximum_age(owner):
    age(owner, 89)
    assert password_change_reason(owner) is None
    age(owner, 90)
    assert password_change_reason(owner) == EXPIRED


@override_settings(PASSWORD_MAX_AGE_DAYS=0)
def test_zero_days_means_never(owner):
    age(owner, 5000)
    assert password_change_reason(owner) is None


@override_settings(PASSWORD_MAX_AGE_DAYS=30)
def test_an_expired_password_sends_every_page_to_the_change_page(client, owner):
    age(owner, 31)
    client.force_login(owner)
    response = client.get(reverse("organizations:organization-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("password_change") + "?next=")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "已过期" in page.content.decode()
    assert "30" in page.content.decode()


@override_settings(PASSWORD_MAX_AGE_DAYS=30)
def test_the_change_page_logout_and_statics_are_let_through(client, owner):
    age(owner, 31)
    client.force_login(owner)
    assert client.get(reverse("password_change")).status_code == 200
    assert client.get(reverse("healthz")).status_code != 302
    # Logout goes through (POST, as Django 5 requires) and ends the session.
    response = client.post(reverse("logout"))
    assert response.status_code in (200, 302)
    assert not response.wsgi_request.user.is_authenticated
    assert client.get(reverse("organizations:organization-list"))["Location"].startswith(reverse("login"))


@override_settings(PASSWORD_MAX_AGE_DAYS=30)
def test_changing_the_expired_password_lets_the_user_in_again(client, owner):
    age(owner, 31)
    client.force_login(owner)
    wanted = reverse("organizations:organization-list")
    response = client.post(
        reverse("password_change"),
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW, "next": wanted},
    )
    assert response.status_code == 302 and response["Location"] == wanted
    assert client.get(wanted).status_code == 200


def test_a_password_reset_in_the_admin_must_be_changed_by_its_user(client, owner):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:auth_user_password_change", args=[owner.pk])
    response = client.post(
        url, {"password1": "Temporary-Pass-91", "password2": "Temporary-Pass-91", "usable_password": "true"}
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.must_change_password and password_change_reason(owner) == SET_BY_ADMIN

    client.force_login(owner)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("password_change"))
    assert "管理员" in client.get(response["Location"]).content.decode()
    client.post(
        reverse("password_change"),
        {"old_password": "Temporary-Pass-91", "new_password1": NEW, "new_password2": NEW},
    )
    owner.refresh_from_db()
    assert not owner.must_change_password and password_change_reason(owner) is None
    assert client.get(reverse("organizations:organization-list")).status_code == 200


def test_an_account_the_admin_creates_starts_with_an_initial_password(client, db):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newcomer",
            "password1": "Initial-Pass-91",
            "password2": "Initial-Pass-91",
            "usable_password": "true",
            "role": User.Role.STAFF,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.must_change_password and newcomer.password_changed_at is not None


def test_users_of_the_factories_and_the_demo_are_not_forced(db):
    assert password_change_reason(UserFactory(username="plain")) is None
    users, _skipped = seed_demo_users("Demo-Pass-2020")
    assert users
    assert all(password_change_reason(user) is None for user in users)
    assert all(user.password_changed_at is not None for user in users)
