"""Idle timeout and one live session per account (等保2.0: 会话控制).

Idle timeout: the session remembers when it last saw a request; one seen
after more than SESSION_COOKIE_AGE is ended. The stamp (and with it the
cookie's and the stored session's expiry) is renewed at most once a minute,
so a signed-in page is not given a session write on every request.

One live session: each login draws a token, stores it on the user and in that
session. A later login elsewhere replaces the user's token, so the earlier
session no longer matches: on its next request it is logged out and sent to
the login page with a notice. The token lives in the session's data, not its
key, because Django rotates the key on a password change.
"""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils.translation import gettext as _

SESSION_TOKEN_KEY = "_live_session_token"
LAST_SEEN_KEY = "_last_seen"
# Renew the idle stamp no more often than this (seconds).
RENEW_AFTER = 60


@receiver(user_logged_in, dispatch_uid="accounts.live_session")
def live_session_start(sender, request, user, **kwargs) -> None:  # noqa: ARG001 (signal signature)
    token = secrets.token_hex(16)
    type(user).objects.filter(pk=user.pk).update(live_session_token=token)
    user.live_session_token = token
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_TOKEN_KEY] = token
        request.session[LAST_SEEN_KEY] = int(time.time())


class SessionControlMiddleware:
    """After AuthenticationMiddleware: ends an idle session and one that a later login replaced.

    It reads the session and user the request loads anyway, so it adds no query to a signed-in page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            session = request.session
            now = int(time.time())
            last_seen = session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_COOKIE_AGE:
                return self._end(request, _("Your session ended after a period without activity. Please log in again."))
            if user.live_session_token and session.get(SESSION_TOKEN_KEY) != user.live_session_token:
                return self._end(request, _("Your account has been logged in elsewhere; this session has ended."))
            if last_seen is None or now - last_seen >= RENEW_AFTER:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _end(request, notice: str):
        logout(request)
        messages.warning(request, notice)
        return redirect_to_login(request.get_full_path())
