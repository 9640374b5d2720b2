"""The half-yearly ledger (台账): districts and industry committees confirm
their figures for a half-year, the city accepts or returns them.

Accepting a ledger freezes the owner's snapshots of that half-year so that a
later recount cannot move figures the city has already signed off; reopening
unfreezes them so the next recount refreshes them.

Writes are keyword-only services, one transaction each. The reporting read
lives here too (selectors.py belongs to the overview work).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Area, SupervisingUnit

from .models import Ledger, Period, Snapshot
from .recount.periods import HalfYear
from .recount.services import period_get

if TYPE_CHECKING:
    from accounts.models import User

# Ledgers fall due a month after the half-year closes (31 January, 31 July).
DUE_AFTER = dt.timedelta(days=31)


def default_due_on(period: Period) -> dt.date:
    return period.end + DUE_AFTER


def _period(period: Period | HalfYear | str) -> Period:
    return period if isinstance(period, Period) else period_get(period=period)


def _require_city_staff(actor: User) -> None:
    if not actor.is_city_staff:
        raise PermissionDenied(_("Only the organisation department can review ledgers."))


def _owner_of(actor: User) -> dict:
    """The ledger owner an actor answers for: their area or their supervising unit."""
    if not actor.can_edit_records:
        raise PermissionDenied(_("You may read ledgers but not submit them."))
    if actor.role == actor.Role.DISTRICT and actor.area_id:
        return {"area": actor.area, "supervising_unit": None}
    if actor.role == actor.Role.INDUSTRY and actor.supervising_unit_id:
        return {"area": None, "supervising_unit": actor.supervising_unit}
    raise PermissionDenied(
        _("Ledgers are submitted by district officials and industry committees for their own scope.")
    )


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
        return rows.filter(
            Q(scope=Snapshot.Scope.AREA) | Q(scope=Snapshot.Scope.RESPONSIBLE_BODY), area_id=ledger.area_id
        )
    return rows.filter(
        Q(scope=Snapshot.Scope.SUPERVISING_UNIT) | Q(scope=Snapshot.Scope.RESPONSIBLE_BODY),
        supervising_unit_id=ledger.supervising_unit_id,
    )


@transaction.atomic
def ledger_submit(*, actor: User, period: Period | HalfYear | str, note: str = "") -> Ledger:
    """Submit (or resubmit after a return) the actor's ledger for a half-year."""
    owner = _owner_of(actor)
    period_obj = _period(period)
    if period_obj.end >= timezone.localdate():
        raise ValidationError(
            _("The ledger of %(period)s can be submitted once the half-year has ended.") % {"period": period_obj.code},
            code="period_open",
        )
    Period.objects.select_for_update().get(pk=period_obj.pk)
    ledger, _created = Ledger.objects.select_for_update().get_or_create(
        period=period_obj, **owner, defaults={"due_on": default_due_on(period_obj)}
    )
    if ledger.status not in (Ledger.Status.DRAFT, Ledger.Status.RETURNED):
        raise ValidationError(
            _("This ledger is %(status)s; only a ledger not yet submitted or returned can be submitted.")
            % {"status": ledger.get_status_display()},
            code="status",
        )
    if not ledger.due_on:
        ledger.due_on = default_due_on(period_obj)
    ledger.status = Ledger.Status.SUBMITTED
    ledger.note = note.strip()
    ledger.submitted_at = timezone.now()
    ledger.submitted_by = actor
    ledger.full_clean()
    ledger.save()
    return ledger


@transaction.atomic
def ledger_accept(*, actor: User, ledger: Ledger) -> Ledger:
    """Accept a submitted ledger and freeze the owner's figures of that half-year."""
    _require_city_staff(actor)
    ledger = _locked(ledger)
    if ledger.status != Ledger.Status.SUBMITTED:
        raise ValidationError(
            _("Only a submitted ledger can be accepted; this one is %(status)s.")
            % {"status": ledger.get_status_display()},
            code="status",
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
    ledger.status = Ledger.Status.ACCEPTED
    ledger.reviewed_at = timezone.now()
    ledger.reviewed_by = actor
    ledger.save(update_fields=["status", "reviewed_at", "reviewed_by"])
    return ledger


@transaction.atomic
def ledger_return(*, actor: User, ledger: Ledger, reason: str) -> Ledger:
    """Send a submitted ledger back to its owner with the reason."""
    _require_city_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the ledger is returned.")}, code="required")
    ledger = _locked(ledger)
    if ledger.status != Ledger.Status.SUBMITTED:
        raise ValidationError(
            _("Only a submitted ledger can be returned; this one is %(status)s.")
            % {"status": ledger.get_status_display()},
            code="status",
        )
    ledger.status = Ledger.Status.RETURNED
    ledger.return_reason = reason
    ledger.reviewed_at = timezone.now()
    ledger.reviewed_by = actor
    ledger.save(update_fields=["status", "return_reason", "reviewed_at", "reviewed_by"])
    return ledger


@transaction.atomic
def ledger_reopen(*, actor: User, ledger: Ledger, reason: str = "") -> Ledger:
    """Take back an acceptance: returned with a reason, or back to draft without one.

    The owner's snapshots are unfrozen, so the next recount refreshes them.
    """
    _require_city_staff(actor)
    reason = (reason or "").strip()
    ledger = _locked(ledger)
    if ledger.status != Ledger.Status.ACCEPTED:
        raise ValidationError(
            _("Only an accepted ledger can be reopened; this one is %(status)s.")
            % {"status": ledger.get_status_display()},
            code="status",
        )
    ledger_snapshots(ledger).update(frozen=False)
    ledger.status = Ledger.Status.RETURNED if reason else Ledger.Status.DRAFT
    ledger.return_reason = reason
    ledger.reviewed_at = timezone.now()
    ledger.reviewed_by = actor
    ledger.save(update_fields=["status", "return_reason", "reviewed_at", "reviewed_by"])
    return ledger


# Reads -------------------------------------------------------------------


class Timeliness:
    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"  # not submitted and past the due date
    PENDING = "pending"  # not submitted, not yet due


@dataclass
class LedgerReportRow:
    """One owner that owes a ledger for the period, whether or not it has one yet."""

    kind: str  # "area" or "unit"
    owner: Area | SupervisingUnit
    label: str
    ledger: Ledger | None
    due_on: dt.date

    @property
    def key(self) -> str:
        return self.owner.code if self.kind == "area" else f"unit:{self.owner.pk}"

    @property
    def status(self) -> str:
        return self.ledger.status if self.ledger else Ledger.Status.DRAFT

    @property
    def submitted_at(self) -> dt.datetime | None:
        return self.ledger.submitted_at if self.ledger else None

    @property
    def reviewed_at(self) -> dt.datetime | None:
        return self.ledger.reviewed_at if self.ledger else None

    @property
    def timeliness(self) -> str:
        if self.ledger is not None and self.ledger.submitted_at:
            return Timeliness.ON_TIME if self.ledger.on_time else Timeliness.LATE
        return Timeliness.OVERDUE if timezone.localdate() > self.due_on else Timeliness.PENDING


def ledger_report_rows(*, period: Period, user: User) -> list[LedgerReportRow]:
    """Every district, county, zone and industry committee in the user's scope,
    with its ledger for the period or none (shown as not submitted)."""
    ledgers = list(Ledger.objects.for_user(user).filter(period=period).select_related("area", "supervising_unit"))
    by_area = {ledger.area_id: ledger for ledger in ledgers if ledger.area_id}
    by_unit = {ledger.supervising_unit_id: ledger for ledger in ledgers if ledger.supervising_unit_id}
    due = default_due_on(period)
    rows: list[LedgerReportRow] = []
    if user.is_citywide or user.role == user.Role.DISTRICT:
        # The city itself owes no ledger: its districts and zones do.
        areas = Area.objects.for_user(user).registration_areas().exclude(level=Area.Level.CITY)
        for area in areas.order_by("sort_order", "code"):
            ledger = by_area.get(area.pk)
            rows.append(LedgerReportRow("area", area, area.name, ledger, ledger.due_on if ledger else due))
    if user.is_citywide or user.role == user.Role.INDUSTRY:
        units = SupervisingUnit.objects.for_user(user)
        if user.is_citywide:
            units = units.filter(Q(has_industry_committee=True) | Q(pk__in=list(by_unit)))
        for unit in units.order_by("name"):
            ledger = by_unit.get(unit.pk)
            label = unit.industry_committee_name or unit.name
            rows.append(LedgerReportRow("unit", unit, label, ledger, ledger.due_on if ledger else due))
    return rows


def ledger_period_choices() -> list[str]:
    """Half-years a ledger can be about: those on record and the one last ended."""
    codes = [p.code for p in Period.objects.order_by("-year", "-half")]
    last = HalfYear.last_ended(timezone.localdate()).code
    if last not in codes:
        codes.insert(0, last)
    return codes


def ledger_period_default(code: str | None) -> Period | None:
    """The period a ledger page is about: the one asked for, else the latest recounted."""
    periods = Period.objects.order_by("-year", "-half")
    if code:
        try:
            half = HalfYear.parse(code)
        except ValueError:
            half = None
        if half is not None:
            found = periods.filter(year=half.year, half=half.half).first()
            if found is not None:
                return found
    return periods.filter(snapshots__isnull=False).distinct().first() or periods.first()
