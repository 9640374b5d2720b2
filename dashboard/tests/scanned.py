"""The dashboard's figures counted from the records, as the pages once did on
every request: the reference the tallies must agree with after every write."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from coverage.models import EarlyWarning, Period, Snapshot
from dashboard import selectors, tallies
from engagement.selectors import engagement_summary
from ratings.models import Evaluation, Round
from ratings.selectors import round_summary


def stars_by_round(user) -> list[dict]:
    return list(
        Evaluation.objects.for_user(user)
        .filter(final_stars__isnull=False)
        .order_by()
        .values("round__year", "final_stars")
        .annotate(n=Count("pk"))
        .order_by("round__year", "final_stars")
    )


def open_warnings_by_rule_and_area(user, period) -> list[dict]:
    return list(
        EarlyWarning.objects.for_user(user)
        .open_on(period.end if period is not None else None)
        .order_by()
        .values("rule", "area_id", "area__name", "area__sort_order", "area__code", "area__level")
        .annotate(n=Count("pk"))
        .order_by("area__sort_order", "area__code", "rule")
    )


def open_warning_count(user, period) -> int:
    return EarlyWarning.objects.for_user(user).open_on(period.end if period is not None else None).count()


def rating_figures(user, round_) -> dict:
    figures = round_summary(round_, Evaluation.objects.for_user(user))
    return {name: value for name, value in figures.items() if name not in ("by_stars", "by_state")}


def engagement_figures(user) -> dict:
    summary = engagement_summary(user)
    training, pilots = summary["training"], summary["pilots"]
    return {
        "training": {"bases": training["bases"], "provincial_points": training["provincial_points"]},
        "pilots": {
            name: pilots[name] for name in ("pilot_communities", "pilot_organizations", "plaques", "agreements")
        },
        "contributions": summary["contributions"],
    }


def overview_warnings(period: Period, scope: str) -> dict[str, int]:
    """Each overview row's open warnings at the half-year's end, counted from the warnings."""
    owner = "supervising_unit" if scope == Snapshot.Scope.SUPERVISING_UNIT else "area"
    warnings = EarlyWarning.objects.open_on(period.end)
    if owner == "supervising_unit":
        warnings = warnings.alias(owner_key=Coalesce(owner, Value(0))).filter(
            owner_key=Coalesce(OuterRef(owner), Value(0))
        )
    else:
        warnings = warnings.filter(area=OuterRef("area"))
    counts = warnings.order_by().values(owner).annotate(n=Count("pk")).values("n")
    rows = Snapshot.objects.filter(period=period, scope=scope).annotate(
        n=Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))
    )
    return dict(rows.values_list("scope_key", "n"))


def assert_agree(users, periods=()) -> None:
    """Every figure the dashboard shows from a tally equals the same figure
    counted from the records, for each user and half-year (and now)."""
    assert tallies.differences() == []
    rounds = list(Round.objects.all())
    for user in users:
        assert selectors.stars_by_round(user) == stars_by_round(user), user
        for round_ in rounds:
            assert selectors.rating_figures(user, round_) == rating_figures(user, round_), (user, round_)
        for period in (None, *periods):
            assert selectors.open_warning_count(user, period) == open_warning_count(user, period), (user, period)
            assert selectors.open_warnings_by_rule_and_area(user, period) == open_warnings_by_rule_and_area(
                user, period
            ), (user, period)
        assert selectors.engagement_figures(user) == engagement_figures(user), user
