"""The TOTP second factor (accounts/second_factor.py): enrolment, a code at every login, the lock-out
counting wrong codes, the security administrator's reset, and required only when the setting says so.

Codes are real: computed from the device's key with django_otp.oath.totp, as an authenticator app does."""

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import LoginFailure, User
from accounts.tests.factories import UserFactory
from organizations.demo import seed_demo_users

PASSWORD = "pw-test-123"


def code(device, steps_ahead=0):
    # A device refuses a code of a time step it has already accepted (no replay),
    # so a later login in the same test gives the next step's code (drift).
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"


@pytest.fixture
def staff(db):
    return UserFactory(username="staff", role=User.Role.STAFF)


def log_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


@override_settings(OTP_REQUIRED_FOR_STAFF=True)
def test_staff_enrol_with_a_current_code_then_give_one_at_every_login(client, staff):
    log_in(client, staff)
    wanted = reverse("organizations:organization-list")
    response = client.get(wanted)
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_enrol"))

    page = client.get(response["Location"])
    text = page.content.decode()
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    assert (
        "<svg" in text
        and "otpauth://totp/" in text
        and page.context["secret"].replace(" ", "") in text.replace(" ", "")
    )
    assert "两步验证" in text

    response = client.post(reverse("two_factor_enrol"), {"code": code(device), "next": wanted})
    assert response.status_code == 302 and response["Location"] == wanted
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(wanted).status_code == 200
    assert "已启用" in client.get(reverse("two_factor")).content.decode()

    # The next login asks for a code before any page, and a fresh one lets the user in.
    client.logout()
    log_in(client, staff)
    response = client.get(wanted)
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))
    response = client.post(reverse("two_factor_verify"), {"code": code(device, steps_ahead=1), "next": wanted})
    assert response.status_code == 302 and response["Location"] == wanted
    assert client.get(wanted).status_code == 200


@override_settings(OTP_REQUIRED_FOR_STAFF=True, LOCKOUT_FAILURE_LIMIT=3)
def test_a_wrong_code_is_refused_and_counts_towards_the_lock_out(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    log_in(client, staff)
    right = code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(reverse("two_factor_verify"), {"code": wrong})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert LoginFailure.objects.filter(username="staff").count() == 1
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))

    client.post(reverse("two_factor_verify"), {"code": wrong})
    # The third wrong code reaches the limit: the session ends with the lock-out's message.
    response = client.post(reverse("two_factor_verify"), {"code": wrong}, follow=True)
    assert response.redirect_chain[0][0] == reverse("login")
    assert not response.wsgi_request.user.is_authenticated
    assert "锁定" in response.content.decode()
    # Locked: even the right password is refused now.
    response = client.post(reverse("login"), {"username": "staff", "password": PASSWORD})
    assert response.status_code == 200 and "锁定" in response.content.decode()


@override_settings(OTP_REQUIRED_FOR_STAFF=True)
def test_the_middleware_lets_the_code_page_logout_and_the_probe_through(client, staff):
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    log_in(client, staff)
    assert client.get(reverse("two_factor_verify")).status_code == 200
    assert client.get(reverse("healthz")).status_code != 302
    # The password page comes after the second factor, not before it.
    assert client.get(reverse("password_change"))["Location"].startswith(reverse("two_factor_verify"))
    response = client.post(reverse("logout"))
    assert not response.wsgi_request.user.is_authenticated


@override_settings(OTP_REQUIRED_FOR_STAFF=True)
def test_only_staff_and_administrators_are_asked(client, beilin_user, leader_user):
    for user in (beilin_user, leader_user):
        client.force_login(user)
        assert client.get(reverse("organizations:organization-list")).status_code == 200
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_enrol"))


@override_settings(OTP_REQUIRED_FOR_STAFF=False)
def test_nobody_is_asked_when_the_setting_is_off(client, staff):
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    log_in(client, staff)
    assert client.get(reverse("organizations:organization-list")).status_code == 200


@override_settings(OTP_REQUIRED_FOR_STAFF=True)
def test_the_security_administrator_resets_a_device_in_the_admin(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    secadmin = UserFactory(username="secadmin", is_staff=True)
    secadmin.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user", "delete_totpdevice"])
    )
    # The security administrator gives their own second factor first.
    admin_device = TOTPDevice.objects.create(user=secadmin, name="phone", confirmed=True)
    client.force_login(secadmin)
    client.post(reverse("two_factor_verify"), {"code": code(admin_device)})
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [staff.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    # Its owner sets it up again at the next login.
    client.logout()
    log_in(client, staff)
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_enrol"))


@override_settings(OTP_REQUIRED_FOR_STAFF=False)
def test_the_status_page_says_what_the_user_has(client, staff):
    client.force_login(staff)
    assert "未启用" in client.get(reverse("two_factor")).content.decode()
    # Nobody is asked, so nobody enrols: the enrolment page leads back to the status.
    assert client.get(reverse("two_factor_enrol"))["Location"] == reverse("two_factor")
    assert not TOTPDevice.objects.filter(user=staff).exists()
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    assert "不要求" in client.get(reverse("two_factor")).content.decode()
    with override_settings(OTP_REQUIRED_FOR_STAFF=True):
        client.force_login(staff)
        assert client.get(reverse("two_factor"))["Location"].startswith(reverse("two_factor_verify"))


def test_the_demo_security_administrator_may_reset_devices(db):
    users, _skipped = seed_demo_users("Demo-Pass-2020")
    by_name = {user.username: user for user in users}
    assert by_name["secadmin"].has_perm("otp_totp.delete_totpdevice")
    assert not by_name["sysadmin"].has_perm("otp_totp.delete_totpdevice")
