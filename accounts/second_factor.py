"""TOTP second factor for the accounts that can change everything (等保2.0: 双因素鉴别).

When OTP_REQUIRED_FOR_STAFF is on (production), staff, administrators and
superusers give a code from an authenticator app after their password, before
any page: the middleware sends an unverified one to enrol a device (first
time) or to give a code (every login). django-otp keeps the devices and marks
the session verified (django_otp.login); a wrong code counts as a failed login
for the lock-out (accounts/lockout.py), so guessing codes locks the account
like guessing passwords, and is announced as one (the audit log records it).
The security administrator resets a lost device by deleting it (the user
admin's action, or the TOTP devices admin).
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .lockout import client_address, failure_record, is_locked, lockout_clear
from .signals import locked_out

# Organisation-department staff (city-wide editors) and the three administrators
# (三员分立) beside anyone with the admin's staff flag or a superuser.
REQUIRED_ROLES = frozenset({"staff", "sysadmin", "secadmin", "auditor"})
DEVICE_NAME = "authenticator"
VERIFIED, WRONG, LOCKED = "verified", "wrong", "locked"


def second_factor_required(user) -> bool:
    if not (settings.OTP_REQUIRED_FOR_STAFF and user.is_authenticated):
        return False
    return user.is_staff or user.is_superuser or user.role in REQUIRED_ROLES


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user) -> TOTPDevice:
    """The device being enrolled: made on the first visit and kept until confirmed,
    so reloading the page shows the same secret the user may already have scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> SafeString:
    # segno is pure Python and draws offline; the SVG is inline markup, no script.
    return mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=5, border=2))  # noqa: S308 (segno's own markup)


def code_verify(*, request, device: TOTPDevice, code: str) -> str:
    """Check a code for the signed-in user; VERIFIED marks the session verified.

    A locked name or address is refused before the code is looked at, and a
    wrong code is recorded as a failed login, as the password step does."""
    username, address = request.user.get_username(), client_address(request)
    if is_locked(username=username, ip_address=address):
        locked_out.send(sender=TOTPDevice, request=request, username=username)
        return LOCKED
    if not device.verify_token(code.strip()):
        failure_record(username=username, ip_address=address)
        # Announced as a failed login (the audit log records it), the code masked as Django masks a password.
        user_login_failed.send(
            sender=TOTPDevice, credentials={"username": username, "otp_token": "********"}, request=request
        )
        if is_locked(username=username, ip_address=address):
            locked_out.send(sender=TOTPDevice, request=request, username=username)
            return LOCKED
        return WRONG
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    lockout_clear(username=username)
    return VERIFIED


def device_reset(*, user) -> int:
    """Forget the user's devices (a lost phone): they enrol again at their next login. Returns how many."""
    deleted, _rows = TOTPDevice.objects.filter(user=user).delete()
    return deleted


def _exempt_prefixes() -> tuple[str, ...]:
    static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    return (
        reverse("two_factor_enrol"),
        reverse("two_factor_verify"),
        reverse("logout"),
        static,
        "/i18n/",
        reverse("healthz"),
    )


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware and the session control: a user who must
    give a second factor and has not in this session goes to enrol or to the code page.

    Users it does not concern cost no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if second_factor_required(user) and not request.path.startswith(_exempt_prefixes()) and not user.is_verified():
            name = "two_factor_verify" if confirmed_device(user) else "two_factor_enrol"
            target = reverse(name)
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)
