"""What each event tells whom: the notices of ledgers, evaluations and
warnings, called by the services that make those events (in their
transaction) and by the daily job. Titles are written in the site's
language when the notice is made; the inbox shows them as written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ratings.models import EvaluationEvent

from .models import Notice
from .recipients import ScopeIndex, scope_officials
from .services import Draft, notice_send, notices_send

if TYPE_CHECKING:
    from coverage.models import EarlyWarning, Ledger
    from ratings.models import Evaluation


def ledger_reviewed(ledger: Ledger) -> int:
    """A ledger was returned or accepted: its owner's officials hear of it."""
    if ledger.status == ledger.Status.RETURNED:
        kind = Notice.Kind.LEDGER_RETURNED
    elif ledger.status == ledger.Status.ACCEPTED:
        kind = Notice.Kind.LEDGER_ACCEPTED
    else:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        values = {"period": ledger.period.code, "owner": ledger.owner}
        if kind == Notice.Kind.LEDGER_RETURNED:
            title = _("Ledger of %(period)s (%(owner)s) returned") % values
            body = _("Reason: %(reason)s") % {"reason": ledger.return_reason}
        else:
            title = _("Ledger of %(period)s (%(owner)s) accepted") % values
            body = ""
    return notice_send(
        kind=kind,
        recipients=scope_officials(area_id=ledger.area_id, unit_id=ledger.supervising_unit_id),
        record_key=f"ledger:{ledger.pk}",
        # A ledger can be returned again after it is resubmitted: each review is its own occasion.
        occasion=ledger.reviewed_at.isoformat() if ledger.reviewed_at else "",
        title=title,
        body=body,
        url=reverse("coverage:ledger-review", args=[ledger.pk]),
    )


def evaluation_reviewed(evaluation: Evaluation, event: EvaluationEvent) -> EvaluationEvent:
    """An evaluation was returned or approved (`event` records it): the
    officials of its party organisation hear of it. Returns the event."""
    kinds = {
        EvaluationEvent.Action.RETURNED: Notice.Kind.EVALUATION_RETURNED,
        EvaluationEvent.Action.APPROVED: Notice.Kind.EVALUATION_APPROVED,
    }
    kind = kinds.get(event.action)
    if kind is None:
        return event
    organisation = evaluation.party_organization
    with translation.override(settings.LANGUAGE_CODE):
        if kind == Notice.Kind.EVALUATION_RETURNED:
            title = _("Evaluation of %(organisation)s returned") % {"organisation": organisation}
            body = _("Reason: %(reason)s") % {"reason": event.note}
        else:
            title = _("Evaluation of %(organisation)s approved: %(stars)s stars") % {
                "organisation": organisation,
                "stars": evaluation.final_stars,
            }
            body = ""
    notice_send(
        kind=kind,
        recipients=scope_officials(area_id=organisation.area_id, unit_id=organisation.supervising_unit_id),
        record_key=f"evaluation:{evaluation.pk}",
        occasion=f"event:{event.pk}",
        title=title,
        body=body,
        url=reverse("ratings:evaluation-detail", args=[evaluation.pk]),
    )
    return event


def warnings_opened(warnings: list[EarlyWarning]) -> int:
    """New warnings: the officials of each one's scope hear of it (a constant
    number of queries for the whole batch, one INSERT per 500 notices)."""
    warnings = [warning for warning in warnings if warning.pk]
    if not warnings:
        return 0
    index = ScopeIndex({warning.area_id for warning in warnings})
    drafts = []
    with translation.override(settings.LANGUAGE_CODE):
        for warning in warnings:
            recipients = index.officials(area_id=warning.area_id, unit_id=warning.supervising_unit_id)
            if not recipients:
                continue
            title = _("Early warning opened: %(rule)s") % {"rule": warning.get_rule_display()}
            url = reverse("coverage:warning-detail", args=[warning.pk])
            drafts += [Draft(user, f"warning:{warning.pk}", title, url) for user in recipients]
    return notices_send(kind=Notice.Kind.WARNING_OPENED, drafts=drafts)
