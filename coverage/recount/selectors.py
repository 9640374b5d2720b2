"""Reads for the overview and area pages: snapshots and the dashboard's
tallies, never a scan of the records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from coverage.models import Ledger, Period, RecountRun, Snapshot
from dashboard.models import Scope, WarningTally
from xian_partybuild import clock

from .compute import NO_SUBDISTRICT_KEY
from .periods import HalfYear

if TYPE_CHECKING:
    from accounts.models import User
    from organizations.models import Area


def own_snapshot_filter(user: User) -> dict:
    """The one snapshot row that stands for the user's whole scope."""
    if user.is_citywide:
        return {"scope": Snapshot.Scope.CITY}
    if user.role == user.Role.DISTRICT:
        return {"scope": Snapshot.Scope.AREA, "area_id": user.area_id}
    if user.role == user.Role.INDUSTRY:
        return {"scope": Snapshot.Scope.SUPERVISING_UNIT, "supervising_unit_id": user.supervising_unit_id}
    return {"pk__in": []}


def last_due(today: dt.date | None = None) -> HalfYear:
    """The newest half-year that is due: its last day is today or earlier.

    A half-year is due on its own last day: the demo lives on 31 December
    2020, and 2020H2 is the half-year its figures describe."""
    today = today or clock.today()
    current = HalfYear.containing(today)
    return current if current.end <= today else current.previous()


def up_to(half: HalfYear) -> Q:
    """Periods no later than `half`."""
    return Q(year__lt=half.year) | Q(year=half.year, half__lte=half.half)


def periods_with_snapshots() -> QuerySet[Period]:
    """Recounted half-years that have begun, newest first: what a period selector lists.
    A half-year in the future is never offered, even if something recounted it."""
    current = HalfYear.containing(clock.today())
    return Period.objects.filter(up_to(current), snapshots__isnull=False).distinct().order_by("-year", "-half")


def periods_due() -> QuerySet[Period]:
    """Recounted half-years that have ended (their last day counts), newest first."""
    return periods_with_snapshots().filter(up_to(last_due()))


def choose_period(periods: Iterable[Period], code: str | None) -> Period | None:
    """The recounted half-year asked for, else the newest recounted one that
    has ended; the current half-year only when nothing earlier is recounted.
    `periods` are periods_with_snapshots(), newest first: a page that lists
    them for its selector chooses from the same rows, in no further query."""
    periods = list(periods)
    half = None
    if code:
        try:
            half = HalfYear.parse(code)
        except ValueError:
            half = None
    if half is not None:
        found = next((p for p in periods if (p.year, p.half) == (half.year, half.half)), None)
        if found is not None:
            return found
    due = last_due()
    ended = next((p for p in periods if (p.year, p.half) <= (due.year, due.half)), None)
    return ended or (periods[0] if periods else None)


def period_or_latest(code: str | None) -> Period | None:
    return choose_period(periods_with_snapshots(), code)


def recount_choices(*, recounted: Iterable[Period] | None = None) -> list[str]:
    """Half-years the recount button offers, newest first: every recounted one
    (`recounted`, when the page has read them already), the current one and the
    one last due; never one that has not begun."""
    today = clock.today()
    halves = {p.half_year for p in (periods_with_snapshots() if recounted is None else recounted)}
    halves |= {HalfYear.containing(today), last_due(today)}
    return [half.code for half in sorted(halves, reverse=True)]


def _open_warnings(owner: str, period: Period) -> Coalesce:
    """The warnings of the row's owner open at the half-year's end (for the
    current half-year, open now), from the dashboard's warning tally: a few
    tally rows per snapshot row, not a count over the warnings."""
    if owner == "supervising_unit":
        # The row of organisations without a supervising unit holds their warnings:
        # "no unit" must match "no unit", which NULL = NULL does not.
        rows = (
            WarningTally.objects.filter(scope=Scope.UNIT)
            .alias(owner_key=Coalesce(owner, Value(0)))
            .filter(owner_key=Coalesce(OuterRef(owner), Value(0)))
        )
    else:
        rows = WarningTally.objects.filter(scope=Scope.AREA, area=OuterRef(owner))
    counts = rows.open_at_end(period).order_by().values("scope").annotate(n=Sum("warnings")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def _open_warnings_of_unit_rows(period: Period) -> Case:
    """Open warnings for a unit's own row (the unit's tally) and for its rows
    by district (the tally of that area and unit), from the warning tally."""
    by_area = WarningTally.objects.filter(
        scope=Scope.AREA_UNIT, area=OuterRef("area"), supervising_unit=OuterRef("supervising_unit")
    )
    counts = by_area.open_at_end(period).order_by().values("scope").annotate(n=Sum("warnings")).values("n")
    return Case(
        When(
            scope=Snapshot.Scope.UNIT_AREA,
            then=Coalesce(Subquery(counts, output_field=IntegerField()), Value(0)),
        ),
        default=_open_warnings("supervising_unit", period),
    )


def _ledger_status(owner: str) -> Subquery:
    return Subquery(Ledger.objects.filter(period=OuterRef("period"), **{owner: OuterRef(owner)}).values("status")[:1])


# Figures whose change since the previous half-year the overview shows.
CHANGED_FIGURES = ("org_coverage_rate", "work_coverage_rate", "must_establish_not_established")


def _previous(period: Period, scope: str, figure: str) -> Subquery:
    """The same scope's figure in the previous half-year's snapshot (None where
    that half-year was never recounted)."""
    previous = period.half_year.previous()
    return Subquery(
        Snapshot.objects.filter(
            period__year=previous.year, period__half=previous.half, scope=scope, scope_key=OuterRef("scope_key")
        ).values(figure)[:1]
    )


def overview_rows(*, period: Period, scope: str) -> QuerySet[Snapshot]:
    """Area (or supervising-unit) rows of a period with their open warnings,
    ledger status and previous half-year's figures, in one query."""
    owner = "supervising_unit" if scope == Snapshot.Scope.SUPERVISING_UNIT else "area"
    return (
        Snapshot.objects.filter(period=period, scope=scope)
        .select_related("period", "area", "supervising_unit")
        .annotate(
            open_warnings=_open_warnings(owner, period),
            ledger_status=_ledger_status(owner),
            **{f"previous_{figure}": _previous(period, scope, figure) for figure in CHANGED_FIGURES},
        )
        .order_by("area__sort_order", "label")
    )


def unit_breakdown_rows(*, period: Period, unit_id: int) -> QuerySet[Snapshot]:
    """An industry committee's view: its unit's own row first, then the unit's
    rows by district (Snapshot.Scope.UNIT_AREA, written by the recount), with
    open warnings and previous figures, in one query. The ledger is the
    unit's, so only its own row carries one."""
    scopes = (Snapshot.Scope.SUPERVISING_UNIT, Snapshot.Scope.UNIT_AREA)
    ledger = _ledger_status("supervising_unit")
    return (
        Snapshot.objects.filter(period=period, scope__in=scopes, supervising_unit_id=unit_id)
        .select_related("period", "area", "supervising_unit")
        .annotate(
            open_warnings=_open_warnings_of_unit_rows(period),
            ledger_status=Case(When(scope=Snapshot.Scope.SUPERVISING_UNIT, then=ledger), default=Value(None)),
            **{f"previous_{figure}": _previous(period, OuterRef("scope"), figure) for figure in CHANGED_FIGURES},
        )
        # "unit" sorts before "unit_area": the total, then the districts in the city's order.
        .order_by("scope", "area__sort_order", "label")
    )


def subdistrict_breakdown_rows(*, period: Period, area: Area) -> QuerySet[Snapshot]:
    """A district's own row first, then its rows by sub-district (Snapshot.
    Scope.SUBDISTRICT, written by the recount) in the tree's order and the
    unrecorded ones (未填街道) last, with previous figures, in one query.
    Warnings are tallied and ledgers kept by district: only its row has them."""
    rows = Q(scope=Snapshot.Scope.AREA, area=area) | Q(
        scope=Snapshot.Scope.SUBDISTRICT, scope_key__startswith=f"{area.code}:"
    )
    own = Q(scope=Snapshot.Scope.AREA)
    return (
        Snapshot.objects.filter(rows, period=period)
        .select_related("period", "area", "supervising_unit")
        .annotate(
            open_warnings=Case(When(own, then=_open_warnings("area", period)), default=Value(None)),
            ledger_status=Case(When(own, then=_ledger_status("area")), default=Value(None)),
            unrecorded=Case(When(scope_key__endswith=f":{NO_SUBDISTRICT_KEY}", then=Value(1)), default=Value(0)),
            **{f"previous_{figure}": _previous(period, OuterRef("scope"), figure) for figure in CHANGED_FIGURES},
        )
        # "area" sorts before "subdistrict": the district, then its sub-districts.
        .order_by("scope", "unrecorded", "area__sort_order", "label")
    )


def area_trend(*, area_id: int) -> QuerySet[Snapshot]:
    return (
        Snapshot.objects.filter(scope=Snapshot.Scope.AREA, area_id=area_id)
        .select_related("period")
        .order_by("period__year", "period__half")
    )


def recount_runs() -> QuerySet[RecountRun]:
    """Recount runs with their half-year's city figures (organisations, party
    organisations, both coverage rates), read in the same query."""
    city = Snapshot.objects.filter(period=OuterRef("period"), scope=Snapshot.Scope.CITY)
    return (
        RecountRun.objects.select_related("period", "triggered_by")
        .annotate(
            **{
                f"city_{figure}": Subquery(city.values(figure)[:1])
                for figure in ("organizations", "party_organizations", "org_coverage_rate", "work_coverage_rate")
            }
        )
        .order_by("-pk")
    )


def recount_state(*, period: Period | None) -> dict[str, Any]:
    """The latest recount job of any half-year (the button may start one for
    another half-year than the page shows) and the page's last good recount."""
    return {"latest_run": recount_runs().first(), "last_success": period.last_recounted_at if period else None}
