"""Notices to leadership when a half-year's recount completes: one per user,
half-year and recount run (notices.Notice of kind "recount", unique in the
database), with the briefing's summary sentences and a link, emailed to users
who have an address (notices.services)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from coverage.models import Period, RecountRun
from coverage.recount.selectors import periods_with_snapshots
from notices.models import Notice
from notices.services import Draft, notices_send

from .briefing import briefing


def leadership_users():
    return User.objects.filter(role=User.Role.LEADER, is_active=True)


def _previous(period: Period) -> Period | None:
    half = period.half_year.previous()
    return periods_with_snapshots().filter(year=half.year, half=half.half).first()


def briefing_url(period: Period) -> str:
    return f"{reverse('dashboard:briefing')}?period={period.code}"


def notices_for_recount(*, run_id: int) -> int:
    """Give each leadership user a notice of the completed recount `run_id`,
    and email it once to those with an address. Running it again creates and
    sends nothing more. Returns how many notices were created."""
    run = RecountRun.objects.select_related("period").filter(pk=run_id, status=RecountRun.Status.SUCCEEDED).first()
    if run is None:
        return 0
    period = run.period
    key = f"recount:{run.pk}"
    users = leadership_users().exclude(notices__kind=Notice.Kind.RECOUNT, notices__record_key=key)
    previous = _previous(period)
    drafts = []
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Recount of %(period)s completed: the half-year briefing") % {"period": period.code}
        summaries: dict[str, str] = {}
        for user in users:
            # Leaders are city-wide: one briefing for all of them, written once.
            if user.scope_label not in summaries:
                summaries[user.scope_label] = "\n".join(briefing(user, period, previous).sentences)
            drafts.append(Draft(user, key, title, briefing_url(period), period.code, summaries[user.scope_label]))
    return notices_send(kind=Notice.Kind.RECOUNT, drafts=drafts)
