"""Password expiry and the forced change of a password someone else set (等保2.0: 口令定期更换).

A password expires PASSWORD_MAX_AGE_DAYS after User.set_password stamped it
(0: never). A password an administrator set (a new account's initial password,
or a reset in the admin) is flagged must_change_password. Either way the user
is sent to the self-service change page on every request until they choose a
new password; the page says why.

Ages are measured on the wall clock (timezone.now()), not the application
clock (xian_partybuild/clock.py): the demo pins its day to 2020, and a
password's age is a fact about the real world.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

EXPIRED, SET_BY_ADMIN = "expired", "set_by_admin"


def password_expires_at(user) -> dt.datetime | None:
    """When the user's password expires; None if it never does (or its age is unknown)."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    changed = getattr(user, "password_changed_at", None)
    if not days or changed is None:
        return None
    return changed + dt.timedelta(days=days)


def password_change_reason(user) -> str | None:
    """Why the user must change their password before anything else (EXPIRED, SET_BY_ADMIN), or None."""
    if not user.is_authenticated:
        return None
    if user.must_change_password:
        return SET_BY_ADMIN
    expires = password_expires_at(user)
    if expires is not None and timezone.now() >= expires:
        return EXPIRED
    return None


def reason_message(reason: str | None) -> str:
    if reason == SET_BY_ADMIN:
        return _("Your password was set by an administrator. Please choose your own password before continuing.")
    if reason == EXPIRED:
        return _(
            "Your password is more than %(days)d days old and has expired. Please choose a new one before continuing."
        ) % {"days": settings.PASSWORD_MAX_AGE_DAYS}
    return ""


def _exempt_prefixes() -> tuple[str, ...]:
    # The change page itself, a way out, what the page needs to draw, the
    # language switch, the probe, and the second factor (which comes first:
    # accounts/second_factor.py).
    return (
        reverse("password_change"),
        reverse("logout"),
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL,
        "/i18n/",
        reverse("healthz"),
        "/two-factor/",
    )


class PasswordExpiryMiddleware:
    """After authentication and the session control: sends a user whose password
    expired or was set by an administrator to /password/ until they change it.

    It reads only the user the request loads anyway: no query on a page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_exempt_prefixes())
            and password_change_reason(user) is not None
        ):
            target = reverse("password_change")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)
