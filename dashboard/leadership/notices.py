"""Notices to leadership when a half-year's recount completes: one per user,
half-year and recount run (a database constraint), with the briefing's
summary sentences and a link, and an email to users who have an address."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from coverage.models import Period, RecountRun
from coverage.recount.selectors import periods_with_snapshots
from xian_partybuild import clock

from .briefing import briefing
from .models import Notice

logger = logging.getLogger(__name__)


def leadership_users():
    return User.objects.filter(role=User.Role.LEADER, is_active=True)


def _previous(period: Period) -> Period | None:
    half = period.half_year.previous()
    return periods_with_snapshots().filter(year=half.year, half=half.half).first()


def notices_for_recount(*, run_id: int) -> int:
    """Give each leadership user a notice of the completed recount `run_id`,
    and email it once to those with an address. Running it again creates and
    sends nothing more. Returns how many notices were created."""
    run = RecountRun.objects.select_related("period").filter(pk=run_id, status=RecountRun.Status.SUCCEEDED).first()
    if run is None:
        return 0
    period = run.period
    previous = _previous(period)
    created = 0
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Recount of %(period)s completed: the half-year briefing") % {"period": period.code}
        summaries: dict[str, str] = {}
        for user in leadership_users():
            # Leaders are city-wide: one briefing for all of them, written once.
            if user.scope_label not in summaries:
                summaries[user.scope_label] = "\n".join(briefing(user, period, previous).sentences)
            _notice, was_created = Notice.objects.get_or_create(
                user=user,
                period=period,
                recount_run=run,
                defaults={"title": title, "summary": summaries[user.scope_label], "created_at": clock.now()},
            )
            created += was_created
        for notice in Notice.objects.filter(recount_run=run, emailed_at__isnull=True).select_related("user", "period"):
            if notice.user.email:
                _email(notice)
    return created


def _email(notice: Notice) -> None:
    link = f"{settings.SITE_URL.rstrip('/')}{notice.briefing_url()}"
    body = "\n".join([*notice.sentences, "", link])
    send_mail(notice.title, body, None, [notice.user.email])
    # Marked once sent: a retry after a failed send tries again, a second run sends nothing.
    Notice.objects.filter(pk=notice.pk).update(emailed_at=clock.now())
