"""The header's unread count, kept on the session for a minute.

Every signed-in page shows the count, so it must not cost every page a
query: it is counted at login and then at most once a minute (the session
control middleware already writes the session about as often), and set
afresh when the user reads notices. A notice that arrives meanwhile shows
within the minute.
"""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .models import Notice

SESSION_KEY = "_unread_notices"
FRESH_FOR = 60
# The header shows "99+" beyond this: the count stops there, so it stays one short index scan.
CAP = 100


def count_unread(user) -> int:
    return Notice.objects.for_user(user).unread().values("pk")[:CAP].count()


def remember(request, count: int) -> None:
    if hasattr(request, "session"):
        request.session[SESSION_KEY] = [count, int(time.time())]


def unread(request) -> int:
    """The signed-in user's unread count, from the session while it is fresh."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    cached = request.session.get(SESSION_KEY)
    if isinstance(cached, list) and len(cached) == 2 and time.time() - cached[1] < FRESH_FOR:
        return cached[0]
    count = count_unread(user)
    remember(request, count)
    return count


@receiver(user_logged_in, dispatch_uid="notices.unread_at_login")
def unread_at_login(sender, request, user, **kwargs) -> None:  # noqa: ARG001 (signal signature)
    if request is not None:
        remember(request, count_unread(user))
