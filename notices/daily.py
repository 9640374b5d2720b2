"""The daily job's notices: ledgers and rectifications due within 7 days or
overdue. Each is keyed by its due date, so running the job twice (or a
redelivered task) adds nothing, and moving a due date is a new occasion.

Ledgers: an owner's ledger row may not exist until it is first submitted,
so the owners are those that have officials (a district official's area, an
industry committee's unit) and the half-years those that fell due within
the last half-year or fall due within the window.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from coverage.ledgers.services import default_due_on
from coverage.models import EarlyWarning, Ledger, Period
from xian_partybuild import clock

from .models import Notice
from .recipients import ScopeIndex
from .services import Draft, notices_send

WINDOW = dt.timedelta(days=7)
# A ledger overdue for longer than this is old news: it is on the ledger list, not in the inbox.
OVERDUE_HORIZON = dt.timedelta(days=183)
PENDING = (Ledger.Status.DRAFT, Ledger.Status.RETURNED)


@transaction.atomic
def notices_due(*, today: dt.date | None = None) -> dict[str, int]:
    """Send the day's due and overdue notices. Returns how many drafts of each kind."""
    today = today or clock.today()
    with translation.override(settings.LANGUAGE_CODE):
        ledger = _ledger_drafts(today)
        rectification = _rectification_drafts(today)
    return {kind: notices_send(kind=kind, drafts=drafts) for kind, drafts in {**ledger, **rectification}.items()}


def _classify(due: dt.date, today: dt.date) -> str | None:
    if today <= due <= today + WINDOW:
        return "due"
    if due < today:
        return "overdue"
    return None


def _ledger_drafts(today: dt.date) -> dict[str, list[Draft]]:
    drafts: dict[str, list[Draft]] = {Notice.Kind.LEDGER_DUE: [], Notice.Kind.LEDGER_OVERDUE: []}
    periods = [
        period
        for period in Period.objects.filter(year__gte=(today - OVERDUE_HORIZON).year - 1, year__lte=today.year)
        if today - OVERDUE_HORIZON <= default_due_on(period) <= today + WINDOW
    ]
    index = ScopeIndex(set())
    owners = [("area", user.area) for user in index.districts] + [("unit", unit) for unit in index.units]
    owners = list(dict.fromkeys(owners))
    if not periods or not owners:
        return drafts
    index.paths = {area.pk: area.path for kind, area in owners if kind == "area"}
    rows = {
        (ledger.period_id, ledger.area_id or ("unit", ledger.supervising_unit_id)): ledger
        for ledger in Ledger.objects.filter(period__in=periods)
    }
    for period in periods:
        for kind, owner in owners:
            area_id = owner.pk if kind == "area" else None
            unit_id = owner if kind == "unit" else None
            ledger = rows.get((period.pk, area_id or ("unit", unit_id)))
            if ledger is not None and ledger.status not in PENDING:
                continue
            due = ledger.due_on if ledger is not None else default_due_on(period)
            state = _classify(due, today)
            if state is None:
                continue
            values = {"period": period.code, "due": due.isoformat()}
            if state == "due":
                notice_kind = Notice.Kind.LEDGER_DUE
                title = _("Ledger of %(period)s due on %(due)s") % values
            else:
                notice_kind = Notice.Kind.LEDGER_OVERDUE
                title = _("Ledger of %(period)s overdue since %(due)s") % values
            url = (
                reverse("coverage:ledger-review", args=[ledger.pk])
                if ledger is not None
                else f"{reverse('coverage:ledger-submit')}?period={period.code}"
            )
            key = f"ledger:{period.code}:{kind}:{area_id or unit_id}"
            recipients = index.officials(area_id=area_id, unit_id=unit_id)
            drafts[notice_kind] += [Draft(user, key, title, url, due.isoformat()) for user in recipients]
    return drafts


def _rectification_drafts(today: dt.date) -> dict[str, list[Draft]]:
    drafts: dict[str, list[Draft]] = {Notice.Kind.RECTIFICATION_DUE: [], Notice.Kind.RECTIFICATION_OVERDUE: []}
    warnings = list(
        EarlyWarning.objects.open()
        .filter(rectification_due_on__isnull=False, rectification_due_on__lte=today + WINDOW)
        .only("pk", "rule", "area_id", "supervising_unit_id", "rectification_due_on")
    )
    if not warnings:
        return drafts
    index = ScopeIndex({warning.area_id for warning in warnings})
    for warning in warnings:
        due = warning.rectification_due_on
        values = {"rule": warning.get_rule_display(), "due": due.isoformat()}
        if _classify(due, today) == "due":
            kind, title = Notice.Kind.RECTIFICATION_DUE, _("Rectification due on %(due)s: %(rule)s") % values
        else:
            kind, title = Notice.Kind.RECTIFICATION_OVERDUE, _("Rectification overdue since %(due)s: %(rule)s") % values
        url = reverse("coverage:warning-detail", args=[warning.pk])
        recipients = index.officials(area_id=warning.area_id, unit_id=warning.supervising_unit_id)
        drafts[kind] += [Draft(user, f"warning:{warning.pk}", title, url, due.isoformat()) for user in recipients]
    return drafts
