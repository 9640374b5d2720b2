"""What the dashboard shows, read from snapshots and tallies only.

Nothing here reads the records: coverage figures come from the recount's
snapshots, the others from the tallies (dashboard/models.py) that every
write keeps true. Each function is one query over a few rows of the user's
own scope, whatever the number of organisations.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, Q, QuerySet, Sum, Value, When

from brands.models import Brand
from coverage.models import Period, Snapshot
from coverage.recount.compute import NO_SUBDISTRICT_KEY
from coverage.recount.selectors import own_snapshot_filter
from engagement.models import Contribution
from organizations.models import Area
from ratings.models import MAX_STARS, Evaluation, Round

from .models import ContributionTally, EngagementTally, RatingTally, WarningTally

if TYPE_CHECKING:
    from accounts.models import User


def scope_snapshot(user: User, period: Period | None) -> Snapshot | None:
    if period is None:
        return None
    return Snapshot.objects.for_user(user).filter(period=period, **own_snapshot_filter(user)).first()


def scope_snapshots(user: User, period: Period | None) -> tuple[Snapshot | None, Snapshot | None]:
    """The user's snapshot of the half-year and of the one before it (None
    where that was never recounted), in one query."""
    if period is None:
        return None, None
    previous = period.half_year.previous()
    rows = (
        Snapshot.objects.for_user(user)
        .filter(
            Q(period=period) | Q(period__year=previous.year, period__half=previous.half), **own_snapshot_filter(user)
        )
        .select_related("period")
    )
    found = {row.period_id == period.pk: row for row in rows}
    return found.get(True), found.get(False)


# The figures whose change since the previous half-year the dashboard shows.
CHANGED_FIGURES = (
    "organizations",
    "party_organizations",
    "org_covered",
    "work_covered",
    "must_establish_not_established",
)


def snapshot_changes(snapshot: Snapshot | None, previous: Snapshot | None) -> dict[str, Any] | None:
    """Each figure's change since the previous half-year: this half-year's
    snapshot minus the previous one's, both written by the recount, so that
    the change is exactly the difference between the two figures a user can
    open (coverage.changes lists the records behind it). None when the
    previous half-year was never recounted."""
    if snapshot is None or previous is None:
        return None
    return {
        "previous_period": previous.period.code,
        "delta": {name: getattr(snapshot, name) - getattr(previous, name) for name in CHANGED_FIGURES},
    }


def scope_trend(user: User) -> QuerySet[Snapshot]:
    return (
        Snapshot.objects.for_user(user)
        .filter(**own_snapshot_filter(user))
        .select_related("period")
        .order_by("period__year", "period__half")
    )


def area_rows(user: User, period: Period) -> QuerySet[Snapshot]:
    """The user's figures by area: the area rows in its scope; for an
    industry committee its unit's rows by district (an area row mixes every
    industry, so it has none of its own); for a district official their
    district's rows by sub-district (their scope is one area row), the
    unrecorded ones (未填街道) last."""
    if user.role == user.Role.INDUSTRY:
        scope = {"scope": Snapshot.Scope.UNIT_AREA, "supervising_unit_id": user.supervising_unit_id}
    elif by_subdistrict(user):
        scope = {"scope": Snapshot.Scope.SUBDISTRICT, "scope_key__startswith": f"{user.area.code}:"}
    else:
        scope = {"scope": Snapshot.Scope.AREA}
    unrecorded = Case(When(scope_key__endswith=f":{NO_SUBDISTRICT_KEY}", then=Value(1)), default=Value(0))
    return (
        Snapshot.objects.for_user(user)
        .filter(period=period, **scope)
        .select_related("period", "area")
        .order_by(unrecorded, "area__sort_order", "label")
    )


def by_subdistrict(user: User) -> bool:
    """Whether the user's figures by area are their district's sub-districts."""
    return (
        user.role == user.Role.DISTRICT
        and user.area_id is not None
        and user.area.level in Area.REGISTRATION_LEVELS
        and user.area.level != Area.Level.CITY
    )


# --------------------------------------------------------------------------
# Early warnings
# --------------------------------------------------------------------------


def open_warning_count(user: User, period: Period | None) -> int:
    """The user's warnings open at the half-year's end."""
    total = WarningTally.objects.own(user).open_at_end(period).aggregate(n=Sum("warnings"))["n"]
    return total or 0


def open_warnings_by_rule_and_area(user: User, period: Period | None) -> list[dict]:
    return list(
        WarningTally.objects.by_area(user)
        .open_at_end(period)
        .values("rule", "area_id", "area__name", "area__sort_order", "area__code", "area__level")
        .annotate(n=Sum("warnings"))
        .filter(n__gt=0)
        .order_by("area__sort_order", "area__code", "rule")
    )


# --------------------------------------------------------------------------
# Ratings
# --------------------------------------------------------------------------


def rating_round_for(period: Period | None):
    """The rating round of the period's year, or the latest round."""
    rounds = Round.objects.order_by("-year")
    if period is not None:
        return rounds.filter(year__lte=period.year).first()
    return rounds.first()


def stars_by_round(user: User) -> list[dict]:
    """Final stars per round within the user's scope."""
    return list(
        RatingTally.objects.own(user)
        .exclude(final_stars=0)
        .values("round__year", "final_stars")
        .annotate(n=Sum("evaluations"))
        .filter(n__gt=0)
        .order_by("round__year", "final_stars")
    )


def _share(part: int, whole: int | None) -> Decimal | None:
    # ratings.selectors.round_summary's rounding: the two pages show one share.
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def rating_figures(user: User, round_: Round) -> dict[str, Any]:
    """ratings.selectors.round_summary's figures for the user's evaluations of
    the round, from the tally: evaluations, decided, four_star_named,
    five_star_certified, sent_to_province, stars_<n>, state_<state> and the
    province share."""
    counts = {
        (row["state"], row["final_stars"]): row["n"]
        for row in RatingTally.objects.own(user)
        .filter(round=round_)
        .values("state", "final_stars")
        .annotate(n=Sum("evaluations"))
    }

    def total(*, state=None, stars=None, states=()) -> int:
        return sum(
            n
            for (row_state, row_stars), n in counts.items()
            if (state is None or row_state == state)
            and (stars is None or row_stars == stars)
            and (not states or row_state in states)
        )

    figures: dict[str, Any] = {
        "evaluations": total(),
        "decided": total() - total(stars=0),
        "four_star_named": total(stars=4),
        "five_star_certified": total(state=Evaluation.State.CERTIFIED),
        "sent_to_province": total(states=Evaluation.PROVINCE_STATES),
    }
    figures |= {f"stars_{stars}": total(stars=stars) for stars in range(1, MAX_STARS + 1)}
    figures |= {f"state_{state.value}": total(state=state) for state in Evaluation.State}
    figures["province_five_star_total"] = round_.province_five_star_total
    figures["province_share"] = _share(figures["five_star_certified"], round_.province_five_star_total)
    return figures


# --------------------------------------------------------------------------
# Engagement
# --------------------------------------------------------------------------

CONTRIBUTION_FIGURES = ("records", "money_yuan", "goods_value_yuan", "people_helped", "exemplary_cases", "teams_sent")
ENGAGEMENT_FIGURES = (
    "training_bases",
    "provincial_points",
    "pilot_communities",
    "pilot_organizations",
    "plaques",
    "agreements",
)


def contribution_figures(user: User) -> dict[str, dict[str, Any]]:
    """engagement.selectors.contribution_summary's figures for the user's
    contributions: {kind: {records, money, goods, total, people, exemplary_cases, teams}}."""
    rows = {
        row["kind"]: row
        for row in ContributionTally.objects.own(user)
        .values("kind")
        .annotate(**{name: Sum(name) for name in CONTRIBUTION_FIGURES})
    }
    summary = {}
    for kind in Contribution.Kind:
        row = rows.get(kind.value, {})
        money, goods = row.get("money_yuan") or Decimal("0.00"), row.get("goods_value_yuan") or Decimal("0.00")
        summary[kind.value] = {
            "records": row.get("records") or 0,
            "money": money,
            "goods": goods,
            "total": money + goods,
            "people": row.get("people_helped") or 0,
            "exemplary_cases": row.get("exemplary_cases") or 0,
            "teams": row.get("teams_sent") or 0,
        }
    return summary


def engagement_figures(user: User) -> dict[str, dict[str, Any]]:
    """The dashboard's training, pilot and contribution figures for the user's scope, in two queries."""
    row = EngagementTally.objects.own(user).aggregate(**{name: Sum(name) for name in ENGAGEMENT_FIGURES})
    row = {name: value or 0 for name, value in row.items()}
    return {
        "training": {"bases": row["training_bases"], "provincial_points": row["provincial_points"]},
        "pilots": {
            "pilot_communities": row["pilot_communities"],
            "pilot_organizations": row["pilot_organizations"],
            "plaques": row["plaques"],
            "agreements": row["agreements"],
        },
        "contributions": contribution_figures(user),
    }


def brand_figures(user: User) -> list[dict[str, Any]]:
    """The user's party-building brands counted by level, lowest level first:
    [{level, label, count}], every level present (0 when none).

    The one figure here read from the records: brands are named by hand, a few
    hundred for the whole city at most, so one grouped query over the brand
    table costs what a tally's would, and a tally kept true by every write
    would be machinery for nothing."""
    counts = dict(Brand.objects.for_user(user).order_by().values_list("level").annotate(n=Count("pk")))
    return [{"level": level.value, "label": level.label, "count": counts.get(level.value, 0)} for level in Brand.Level]
