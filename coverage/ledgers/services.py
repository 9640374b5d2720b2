"""The half-yearly ledger (台账): districts and industry committees confirm
their figures for a half-year, the city accepts or returns them.

Accepting a ledger freezes the owner's snapshots of that half-year so that a
later recount cannot move figures the city has already signed off; reopening
unfreezes them so the next recount refreshes them.

Who may submit or review is the permission rule's (accounts.permissions);
which area or unit a user answers for is the ledger's own business (`ledger_owner`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.permissions import Action, can, require, rule_for
from audit import recording as audit
from coverage.models import Ledger, LedgerImport, Period, Snapshot
from coverage.recount.periods import HalfYear
from coverage.recount.selectors import last_due
from coverage.recount.services import period_get
from notices import announce
from organizations.models import Area, SupervisingUnit
from xian_partybuild import clock

if TYPE_CHECKING:
    from accounts.models import User

# What the moves change, for the audit log's before and after.
LEDGER_FIELDS = ("status", "note", "return_reason", "submitted_at", "submitted_by", "reviewed_at", "reviewed_by")

# Ledgers fall due a month after the half-year closes (31 January, 31 July).
DUE_AFTER = dt.timedelta(days=31)


@dataclass(frozen=True)
class Owner:
    """What a ledger (or a ledger file) is about: a registration area or a supervising unit."""

    area: Area | None
    supervising_unit: SupervisingUnit | None

    @property
    def label(self) -> str:
        return str(self.area or self.supervising_unit)

    @property
    def key(self) -> str:
        """The report row's key (LedgerReportRow.key)."""
        return self.area.code if self.area is not None else f"unit:{self.supervising_unit.pk}"

    def as_filter(self) -> dict[str, Area | SupervisingUnit | None]:
        return {"area": self.area, "supervising_unit": self.supervising_unit}


def ledger_owner(user: User) -> Owner | None:
    """The area a district official answers for, or the unit an industry
    committee answers for; None for city-wide users, who answer for no one scope."""
    if user.role == user.Role.DISTRICT and user.area_id:
        return Owner(user.area, None)
    if user.role == user.Role.INDUSTRY and user.supervising_unit_id:
        return Owner(None, user.supervising_unit)
    return None


def chooses_target(user: User) -> bool:
    """Does this user choose which area or unit a ledger file goes into?
    Those who may import and answer for no one scope (the organisation department) do."""
    return can(user, Action.IMPORT, LedgerImport) and ledger_owner(user) is None


def default_due_on(period: Period) -> dt.date:
    return period.end + DUE_AFTER


def _period(period: Period | HalfYear | str) -> Period:
    return period if isinstance(period, Period) else period_get(period=period)


def _locked(ledger: Ledger) -> Ledger:
    # The period row is the lock recount_run takes before it reads which rows
    # are frozen: taking it first means a freeze or unfreeze never interleaves
    # with a recount's delete-and-insert.
    Period.objects.select_for_update().get(pk=ledger.period_id)
    # of=("self",): PostgreSQL cannot lock the nullable side of the owner joins.
    return (
        Ledger.objects.select_for_update(of=("self",))
        .select_related("period", "area", "supervising_unit")
        .get(pk=ledger.pk)
    )


def ledger_snapshots(ledger: Ledger) -> QuerySet[Snapshot]:
    """The snapshot rows that carry the ledger owner's figures for its period."""
    rows = Snapshot.objects.filter(period_id=ledger.period_id)
    if ledger.area_id:
        # The area row and the district's own responsible-body row (区域兜底):
        # both are what the district signed off. The city, category and unit
        # rows mix owners and keep following the recount.
        # And its rows by sub-district: the breakdown it signed off.
        return rows.filter(
            (Q(scope=Snapshot.Scope.AREA) | Q(scope=Snapshot.Scope.RESPONSIBLE_BODY)) & Q(area_id=ledger.area_id)
            | Q(scope=Snapshot.Scope.SUBDISTRICT, scope_key__startswith=f"{ledger.area.code}:")
        )
    # The unit's rows by district too: its breakdown stays the one it signed off.
    return rows.filter(
        scope__in=(Snapshot.Scope.SUPERVISING_UNIT, Snapshot.Scope.RESPONSIBLE_BODY, Snapshot.Scope.UNIT_AREA),
        supervising_unit_id=ledger.supervising_unit_id,
    )


def _require_status(ledger: Ledger, status: str, message: str) -> None:
    if ledger.status != status:
        raise ValidationError(message % {"status": ledger.get_status_display()}, code="status")


@transaction.atomic
def ledger_submit(*, actor: User, period: Period | HalfYear | str, note: str = "") -> Ledger:
    """Submit (or resubmit after a return) the actor's ledger for a half-year."""
    require(actor, Action.SUBMIT, Ledger)
    owner = ledger_owner(actor)
    if owner is None:
        raise PermissionDenied(rule_for(Ledger, Action.SUBMIT).refusal)
    period_obj = _period(period)
    # Due from its last day on, as the forms offer it (recount.selectors.last_due).
    if period_obj.half_year > last_due():
        raise ValidationError(
            _("The ledger of %(period)s can be submitted once the half-year has ended.") % {"period": period_obj.code},
            code="period_open",
        )
    Period.objects.select_for_update().get(pk=period_obj.pk)
    ledger, _created = Ledger.objects.select_for_update().get_or_create(
        period=period_obj, **owner.as_filter(), defaults={"due_on": default_due_on(period_obj)}
    )
    if ledger.status not in (Ledger.Status.DRAFT, Ledger.Status.RETURNED):
        raise ValidationError(
            _("This ledger is %(status)s; only a ledger not yet submitted or returned can be submitted.")
            % {"status": ledger.get_status_display()},
            code="status",
        )
    before = None if _created else audit.field_values(ledger, LEDGER_FIELDS)
    if not ledger.due_on:
        ledger.due_on = default_due_on(period_obj)
    ledger.status = Ledger.Status.SUBMITTED
    ledger.note = note.strip()
    ledger.submitted_at = clock.now()
    ledger.submitted_by = actor
    ledger.full_clean()
    ledger.save()
    audit.record_write(actor=actor, instance=ledger, before=before, fields=LEDGER_FIELDS)
    return ledger


@transaction.atomic
def ledger_accept(*, actor: User, ledger: Ledger) -> Ledger:
    """Accept a submitted ledger and freeze the owner's figures of that half-year."""
    require(actor, Action.REVIEW, ledger)
    ledger = _locked(ledger)
    _require_status(
        ledger, Ledger.Status.SUBMITTED, _("Only a submitted ledger can be accepted; this one is %(status)s.")
    )
    snapshots = ledger_snapshots(ledger)
    # Accepting figures that were never counted would freeze nothing, and the
    # next recount would then change what the city signed off.
    if not snapshots.exists():
        raise ValidationError(
            _("%(owner)s has no recounted figures for %(period)s yet; recount the half-year before accepting.")
            % {"owner": ledger.owner, "period": ledger.period.code},
            code="no_snapshot",
        )
    snapshots.update(frozen=True)
    before = audit.field_values(ledger, LEDGER_FIELDS)
    ledger.status = Ledger.Status.ACCEPTED
    ledger.reviewed_at = clock.now()
    ledger.reviewed_by = actor
    ledger.save(update_fields=["status", "reviewed_at", "reviewed_by"])
    audit.record_write(actor=actor, instance=ledger, before=before)
    announce.ledger_reviewed(ledger)
    return ledger


@transaction.atomic
def ledger_return(*, actor: User, ledger: Ledger, reason: str) -> Ledger:
    """Send a submitted ledger back to its owner with the reason."""
    require(actor, Action.REVIEW, ledger)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the ledger is returned.")}, code="required")
    ledger = _locked(ledger)
    _require_status(
        ledger, Ledger.Status.SUBMITTED, _("Only a submitted ledger can be returned; this one is %(status)s.")
    )
    before = audit.field_values(ledger, LEDGER_FIELDS)
    ledger.status = Ledger.Status.RETURNED
    ledger.return_reason = reason
    ledger.reviewed_at = clock.now()
    ledger.reviewed_by = actor
    ledger.save(update_fields=["status", "return_reason", "reviewed_at", "reviewed_by"])
    audit.record_write(actor=actor, instance=ledger, before=before)
    announce.ledger_reviewed(ledger)
    return ledger


@transaction.atomic
def ledger_reopen(*, actor: User, ledger: Ledger, reason: str = "") -> Ledger:
    """Take back an acceptance: returned with a reason, or back to draft without one.

    The owner's snapshots are unfrozen, so the next recount refreshes them.
    """
    require(actor, Action.REVIEW, ledger)
    reason = (reason or "").strip()
    ledger = _locked(ledger)
    _require_status(
        ledger, Ledger.Status.ACCEPTED, _("Only an accepted ledger can be reopened; this one is %(status)s.")
    )
    ledger_snapshots(ledger).update(frozen=False)
    before = audit.field_values(ledger, LEDGER_FIELDS)
    ledger.status = Ledger.Status.RETURNED if reason else Ledger.Status.DRAFT
    ledger.return_reason = reason
    ledger.reviewed_at = clock.now()
    ledger.reviewed_by = actor
    ledger.save(update_fields=["status", "return_reason", "reviewed_at", "reviewed_by"])
    audit.record_write(actor=actor, instance=ledger, before=before)
    return ledger
