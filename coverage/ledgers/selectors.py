"""Reads for the ledger pages: who owes a ledger for a half-year and where it stands."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from coverage.models import Ledger, Period
from coverage.recount.periods import HalfYear
from coverage.recount.selectors import last_due, periods_due, up_to
from organizations.models import Area, SupervisingUnit
from xian_partybuild import clock

from .services import default_due_on, ledger_owner

if TYPE_CHECKING:
    from accounts.models import User


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    OVERDUE = "overdue", _("Overdue")  # not submitted and past the due date
    PENDING = "pending", _("Not yet due")  # not submitted, not yet due


class OwnerKind(models.TextChoices):
    """Who owes a ledger: a district, county or zone, or an industry committee."""

    AREA = "area", _("Area")
    UNIT = "unit", _("Industry committee")


@dataclass
class LedgerReportRow:
    """One owner that owes a ledger for the period, whether or not it has one yet."""

    kind: OwnerKind
    owner: Area | SupervisingUnit
    label: str
    ledger: Ledger | None
    due_on: dt.date

    @property
    def key(self) -> str:
        return self.owner.code if self.kind == OwnerKind.AREA else f"unit:{self.owner.pk}"

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
        return Timeliness.OVERDUE if clock.today() > self.due_on else Timeliness.PENDING


def ledger_report_rows(*, period: Period, user: User) -> list[LedgerReportRow]:
    """Every district, county, zone and industry committee in the user's scope,
    with its ledger for the period or none (shown as not submitted)."""
    ledgers = list(Ledger.objects.for_user(user).filter(period=period).select_related("area", "supervising_unit"))
    by_area = {ledger.area_id: ledger for ledger in ledgers if ledger.area_id}
    by_unit = {ledger.supervising_unit_id: ledger for ledger in ledgers if ledger.supervising_unit_id}
    due = default_due_on(period)
    # City-wide users see every owner; a district its areas, a committee its unit
    # (an industry committee may filter by any area, but owes no area's ledger).
    owner = ledger_owner(user)
    rows: list[LedgerReportRow] = []
    if owner is None or owner.area is not None:
        # The city itself owes no ledger: its districts and zones do.
        areas = Area.objects.for_user(user).registration_areas().exclude(level=Area.Level.CITY)
        for area in areas.order_by("sort_order", "code"):
            ledger = by_area.get(area.pk)
            rows.append(LedgerReportRow(OwnerKind.AREA, area, area.name, ledger, ledger.due_on if ledger else due))
    if owner is None or owner.supervising_unit is not None:
        units = SupervisingUnit.objects.for_user(user)
        if owner is None:
            units = units.filter(Q(has_industry_committee=True) | Q(pk__in=list(by_unit)))
        for unit in units.order_by("name"):
            ledger = by_unit.get(unit.pk)
            label = unit.industry_committee_name or unit.name
            rows.append(LedgerReportRow(OwnerKind.UNIT, unit, label, ledger, ledger.due_on if ledger else due))
    return rows


def ledger_period_choices() -> list[str]:
    """Half-years a ledger can be submitted or imported for: those that have
    ended (a half-year's last day counts) and have been recounted, newest first.
    The first is the default."""
    return [p.code for p in periods_due()]


def ledger_periods() -> QuerySet[Period]:
    """Half-years the ledger list offers: those on record that are due, newest first."""
    return Period.objects.filter(up_to(last_due())).order_by("-year", "-half")


def ledger_period_default(code: str | None) -> Period | None:
    """The period a ledger page is about: the due one asked for, else the
    newest recounted one that is due (else the newest due one on record)."""
    if code:
        try:
            half = HalfYear.parse(code)
        except ValueError:
            half = None
        if half is not None:
            found = ledger_periods().filter(year=half.year, half=half.half).first()
            if found is not None:
                return found
    return periods_due().first() or ledger_periods().first()
