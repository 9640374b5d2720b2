"""Lock-out after repeated login failures, by account and by address (等保2.0: 登录失败处理).

A name is locked when LOCKOUT_FAILURE_LIMIT failures for it fall within the
cool-off; an address when LOCKOUT_ADDRESS_LIMIT failures from it do (higher,
since one office may sit behind one address). A locked login is refused
before the password is even checked, so guessing on cannot succeed. The lock
lifts by itself when the cool-off has passed, or at once when a security
administrator unlocks the account (`lockout_clear`, the user admin's action).

A small model instead of django-axes: axes' backend needs the request in
authenticate(), which the test client's login() and other callers don't pass.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import LoginFailure
from .permissions import AUDITOR, role_of
from .signals import locked_out

LOCKED_MESSAGE = _(
    "Too many failed logins: this account or address is locked for %(minutes)d minutes. "
    "Try again later or ask the security administrator to unlock it."
)


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.LOCKOUT_COOLOFF_MINUTES)


def client_address(request) -> str | None:
    # REMOTE_ADDR only: behind the reverse proxy it is the proxy's job to set it
    # (gunicorn --forwarded-allow-ips); a client-supplied X-Forwarded-For is not trusted.
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


def is_locked(*, username: str, ip_address: str | None) -> bool:
    recent = LoginFailure.objects.filter(attempted_at__gte=_window_start())
    if username and recent.filter(username__iexact=username).count() >= settings.LOCKOUT_FAILURE_LIMIT:
        return True
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() >= settings.LOCKOUT_ADDRESS_LIMIT


def failure_record(*, username: str, ip_address: str | None) -> LoginFailure:
    return LoginFailure.objects.create(username=username[:150], ip_address=ip_address, attempted_at=timezone.now())


@transaction.atomic
def lockout_clear(*, username: str) -> int:
    """Unlock one account: forget its failures. Returns how many were forgotten."""
    deleted, _rows = LoginFailure.objects.filter(username__iexact=username).delete()
    return deleted


class LockoutAuthenticationForm(AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, "locked": LOCKED_MESSAGE}

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        if is_locked(username=username, ip_address=address):
            raise self._locked()
        try:
            return super().clean()
        except ValidationError:
            if username:
                failure_record(username=username, ip_address=address)
                if is_locked(username=username, ip_address=address):
                    raise self._locked() from None
            raise

    def _locked(self) -> ValidationError:
        locked_out.send(sender=type(self), request=self.request, username=self.cleaned_data.get("username") or "")
        return ValidationError(
            self.error_messages["locked"], code="locked", params={"minutes": settings.LOCKOUT_COOLOFF_MINUTES}
        )


class LoginView(auth_views.LoginView):
    form_class = LockoutAuthenticationForm

    def get_default_redirect_url(self):
        # The auditor reads the audit log and nothing else: it is their first page.
        if role_of(self.request.user) == AUDITOR:
            return resolve_url("audit:log")
        return super().get_default_redirect_url()

    def form_valid(self, form):
        # A successful login starts the count afresh for this name.
        lockout_clear(username=form.get_user().get_username())
        return super().form_valid(form)
