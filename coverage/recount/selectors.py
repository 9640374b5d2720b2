"""Reads for the overview and area pages: snapshots, never a scan of the records."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from coverage.models import EarlyWarning, Ledger, Period, RecountRun, Snapshot

from .periods import HalfYear


def periods_with_snapshots() -> QuerySet[Period]:
    return Period.objects.filter(snapshots__isnull=False).distinct().order_by("-year", "-half")


def period_or_latest(code: str | None) -> Period | None:
    periods = periods_with_snapshots()
    if code:
        try:
            half = HalfYear.parse(code)
        except ValueError:
            return periods.first()
        return periods.filter(year=half.year, half=half.half).first() or periods.first()
    return periods.first()


def _open_warnings(owner: str) -> Coalesce:
    counts = (
        EarlyWarning.objects.filter(status=EarlyWarning.Status.OPEN, **{owner: OuterRef(owner)})
        .order_by()
        .values(owner)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def _ledger_status(owner: str) -> Subquery:
    return Subquery(Ledger.objects.filter(period=OuterRef("period"), **{owner: OuterRef(owner)}).values("status")[:1])


def overview_rows(*, period: Period, scope: str) -> QuerySet[Snapshot]:
    """Area (or supervising-unit) rows of a period with their open warnings
    and ledger status, in one query."""
    owner = "supervising_unit" if scope == Snapshot.Scope.SUPERVISING_UNIT else "area"
    return (
        Snapshot.objects.filter(period=period, scope=scope)
        .select_related("period", "area", "supervising_unit")
        .annotate(open_warnings=_open_warnings(owner), ledger_status=_ledger_status(owner))
        .order_by("area__sort_order", "label")
    )


def area_trend(*, area_id: int) -> QuerySet[Snapshot]:
    return (
        Snapshot.objects.filter(scope=Snapshot.Scope.AREA, area_id=area_id)
        .select_related("period")
        .order_by("period__year", "period__half")
    )


def recount_state(*, period: Period | None) -> dict[str, Any]:
    latest = RecountRun.objects.filter(period=period).order_by("-started_at").first() if period else None
    return {"latest_run": latest, "last_success": period.last_recounted_at if period else None}
