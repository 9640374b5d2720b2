"""One clock: everything that means "today" or "now" asks here.

A deployment that represents a date pins it with the CLOCK_TODAY setting
(`DJANGO_CLOCK_TODAY=2020-12-31`): the demo then shows the world of the
source interview however much later it is started, and the warning scan,
default half-years, due dates and form checks all agree on that day.
Production leaves it unset and runs on the real date.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def pinned_day() -> dt.date | None:
    value = getattr(settings, "CLOCK_TODAY", None)
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def today() -> dt.date:
    """The day the application lives on, in the project's time zone."""
    return pinned_day() or timezone.localdate()


def now() -> dt.datetime:
    """An aware timestamp on the clock's day: the real time of day, so that
    events recorded one after the other keep their order."""
    real = timezone.localtime()
    day = pinned_day()
    if day is None:
        return real
    return real.replace(year=day.year, month=day.month, day=day.day)
