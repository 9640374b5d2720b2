"""What the dashboard shows, read from snapshots and summaries only.

Nothing here scans the records: each function is a fixed number of queries
whatever the number of organisations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from coverage.models import EarlyWarning, Period, Snapshot
from ratings.models import Evaluation, Round

if TYPE_CHECKING:
    from accounts.models import User


def own_snapshot_filter(user: User) -> dict:
    """The one snapshot row that stands for the user's whole scope."""
    if user.is_citywide:
        return {"scope": Snapshot.Scope.CITY}
    if user.role == user.Role.DISTRICT:
        return {"scope": Snapshot.Scope.AREA, "area_id": user.area_id}
    if user.role == user.Role.INDUSTRY:
        return {"scope": Snapshot.Scope.SUPERVISING_UNIT, "supervising_unit_id": user.supervising_unit_id}
    return {"pk__in": []}


def scope_snapshot(user: User, period: Period | None) -> Snapshot | None:
    if period is None:
        return None
    return Snapshot.objects.for_user(user).filter(period=period, **own_snapshot_filter(user)).first()


def scope_trend(user: User) -> QuerySet[Snapshot]:
    return (
        Snapshot.objects.for_user(user)
        .filter(**own_snapshot_filter(user))
        .select_related("period")
        .order_by("period__year", "period__half")
    )


def area_rows(user: User, period: Period) -> QuerySet[Snapshot]:
    return (
        Snapshot.objects.for_user(user)
        .filter(period=period, scope=Snapshot.Scope.AREA)
        .select_related("area")
        .order_by("area__sort_order", "label")
    )


def _open_warnings(user: User, period: Period | None) -> QuerySet[EarlyWarning]:
    """The user's warnings open at the half-year's end; the current ones for the current half-year."""
    return EarlyWarning.objects.for_user(user).open_on(period.end if period is not None else None)


def open_warnings_by_rule_and_area(user: User, period: Period | None) -> list[dict]:
    return list(
        _open_warnings(user, period)
        .order_by()
        .values("rule", "area_id", "area__name", "area__sort_order", "area__code", "area__level")
        .annotate(n=Count("pk"))
        .order_by("area__sort_order", "area__code", "rule")
    )


def open_warning_count(user: User, period: Period | None) -> int:
    return _open_warnings(user, period).count()


def rating_round_for(period: Period | None):
    """The rating round of the period's year, or the latest round."""
    rounds = Round.objects.order_by("-year")
    if period is not None:
        return rounds.filter(year__lte=period.year).first()
    return rounds.first()


def stars_by_round(user: User) -> list[dict]:
    """Final stars per round within the user's scope, one grouped query."""
    return list(
        Evaluation.objects.for_user(user)
        .filter(final_stars__isnull=False)
        .order_by()
        .values("round__year", "final_stars")
        .annotate(n=Count("pk"))
        .order_by("round__year", "final_stars")
    )
