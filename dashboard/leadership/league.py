"""The league table: the districts, counties and zones of the user's scope
compared for one half-year, each figure with its change since the previous
half-year and its rank.

Five queries whatever the number of organisations: the area snapshots of
both half-years, the warning tally, the rating rounds, the rating tally and
the ledgers of both half-years. The city's own organisations (市本级) are
not a district and take no place in the ranking.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q, Sum

from coverage.ledgers.selectors import Timeliness
from coverage.ledgers.services import default_due_on
from coverage.models import Ledger, Period, Snapshot
from coverage.recount.compute import CITY_DIRECT_SUFFIX
from coverage.recount.periods import HalfYear
from dashboard.models import RatingTally, WarningTally, half_number
from ratings.models import Evaluation, Round
from xian_partybuild import clock

if TYPE_CHECKING:
    from accounts.models import User

# figure -> +1 when more is better, -1 when less is better (ranks and colours).
FIGURES: dict[str, int] = {
    "org_coverage_rate": 1,
    "work_coverage_rate": 1,
    # Political building: 入章率 and 交叉任职率.
    "charter_rate": 1,
    "cross_appointed_rate": 1,
    "must_establish_not_established": -1,
    "open_warnings": -1,
    "four_star": 1,
    "five_star": 1,
}
RATES = ("org_coverage_rate", "work_coverage_rate", "charter_rate", "cross_appointed_rate")


class LedgerState:
    """Where a district's ledger for the half-year stands, as the league shows it."""

    ACCEPTED = Ledger.Status.ACCEPTED
    SUBMITTED = Ledger.Status.SUBMITTED
    RETURNED = Ledger.Status.RETURNED
    MISSING = Ledger.Status.DRAFT  # "Not submitted": no ledger, or a draft


def may_see_league(user: User) -> bool:
    """City-wide users compare every district; a district official sees its own row."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_citywide or (user.role == user.Role.DISTRICT and user.area_id))
    )


@dataclass
class LeagueRow:
    snapshot: Snapshot
    previous: Snapshot | None = None
    values: dict[str, Any] = field(default_factory=dict)
    previous_values: dict[str, Any] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)
    ledger: Ledger | None = None
    previous_ledger: Ledger | None = None
    due_on: dt.date | None = None

    @property
    def key(self) -> str:
        return self.snapshot.scope_key

    @property
    def label(self) -> str:
        return self.snapshot.label

    @property
    def area(self):
        return self.snapshot.area

    def __getattr__(self, name: str):
        # The table's accessors read figures (org_coverage_rate, open_warnings, …) as attributes.
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)

    def change(self, figure: str):
        """This half-year's figure minus the previous one's (None when either is missing)."""
        now, before = self.values.get(figure), self.previous_values.get(figure)
        if now is None or before is None:
            return None
        return now - before

    @property
    def ledger_status(self) -> str:
        return self.ledger.status if self.ledger is not None else LedgerState.MISSING

    @property
    def previous_ledger_status(self) -> str | None:
        if self.previous is None and self.previous_ledger is None:
            return None
        return self.previous_ledger.status if self.previous_ledger is not None else LedgerState.MISSING

    @property
    def ledger_timeliness(self) -> str:
        """coverage.ledgers' reading: on time / late once submitted, else overdue or not yet due."""
        if self.ledger is not None and self.ledger.submitted_at:
            return Timeliness.ON_TIME if self.ledger.on_time else Timeliness.LATE
        return Timeliness.OVERDUE if self.due_on and clock.today() > self.due_on else Timeliness.PENDING


@dataclass
class League:
    period: Period
    previous_code: str
    rows: list[LeagueRow]
    rating_round: Round | None
    previous_round: Round | None

    def row(self, key: str) -> LeagueRow | None:
        return next((row for row in self.rows if row.key == key), None)


def _round_for(rounds: list[Round], half: HalfYear) -> Round | None:
    """dashboard.selectors.rating_round_for: the round of the half-year's year, else the latest before."""
    return next((r for r in rounds if r.year <= half.year), None)


def _open_at_end(row: dict, half: HalfYear) -> bool:
    """WarningTallyQuerySet.open_at_end for one tally row: open at the
    half-year's end, or for the current half-year, open now."""
    if half.end >= clock.today():
        return row["closed_half"] == 0
    number = half_number(Period(year=half.year, half=half.half))
    return row["opened_half"] <= number and (row["closed_half"] == 0 or row["closed_half"] > number)


def _warnings(user: User, halves: tuple[HalfYear, HalfYear]) -> dict[tuple[int, HalfYear], int]:
    found: dict[tuple[int, HalfYear], int] = {}
    rows = (
        WarningTally.objects.by_area(user)
        .filter(scope="area")
        .values("area_id", "opened_half", "closed_half")
        .annotate(n=Sum("warnings"))
    )
    for row in rows:
        for half in halves:
            if _open_at_end(row, half):
                found[(row["area_id"], half)] = found.get((row["area_id"], half), 0) + row["n"]
    return found


def _stars(user: User, rounds: set[Round]) -> dict[tuple[int, int], dict[str, int]]:
    """(area, round) -> four_star (final 4★, any state) and five_star (certified by the province),
    as dashboard.selectors.rating_figures counts them."""
    found: dict[tuple[int, int], dict[str, int]] = {}
    if not rounds:
        return found
    rows = (
        RatingTally.objects.by_area(user)
        .filter(scope="area", round__in=[r.pk for r in rounds])
        .filter(Q(final_stars=4) | Q(state=Evaluation.State.CERTIFIED))
        .values("area_id", "round_id", "state", "final_stars")
        .annotate(n=Sum("evaluations"))
    )
    for row in rows:
        cell = found.setdefault((row["area_id"], row["round_id"]), {"four_star": 0, "five_star": 0})
        if row["final_stars"] == 4:
            cell["four_star"] += row["n"]
        if row["state"] == Evaluation.State.CERTIFIED:
            cell["five_star"] += row["n"]
    return found


def _rank(rows: list[LeagueRow], figure: str, direction: int) -> None:
    """Competition ranking (1, 2, 2, 4): the best value ranks first."""
    ranked = [row for row in rows if row.values.get(figure) is not None]
    ranked.sort(key=lambda row: row.values[figure] * -direction)
    for position, row in enumerate(ranked, start=1):
        value = row.values[figure]
        before = ranked[position - 2] if position > 1 else None
        row.ranks[figure] = before.ranks[figure] if before and before.values[figure] == value else position


def league(user: User, period: Period) -> League:
    """The districts of the user's scope for the half-year, ranked."""
    half = period.half_year
    previous = half.previous()
    in_both = Q(period=period) | Q(period__year=previous.year, period__half=previous.half)
    snapshots = (
        Snapshot.objects.for_user(user)
        .filter(in_both, scope=Snapshot.Scope.AREA)
        .exclude(scope_key__endswith=CITY_DIRECT_SUFFIX)
        .select_related("area", "period")
        .order_by("area__sort_order", "label")
    )
    current: dict[str, LeagueRow] = {}
    earlier: dict[str, Snapshot] = {}
    for snapshot in snapshots:
        if snapshot.period_id == period.pk:
            current[snapshot.scope_key] = LeagueRow(snapshot)
        else:
            earlier[snapshot.scope_key] = snapshot
    rows = list(current.values())

    warnings = _warnings(user, (half, previous))
    rounds = list(Round.objects.order_by("-year"))
    rating_round, previous_round = _round_for(rounds, half), _round_for(rounds, previous)
    stars = _stars(user, {r for r in (rating_round, previous_round) if r is not None})
    ledgers = {
        (ledger.area_id, ledger.period_id == period.pk): ledger
        for ledger in Ledger.objects.for_user(user).filter(
            Q(period=period) | Q(period__year=previous.year, period__half=previous.half), area__isnull=False
        )
    }
    due = default_due_on(period)

    for row in rows:
        area_id = row.snapshot.area_id
        row.previous = earlier.get(row.key)
        row.ledger = ledgers.get((area_id, True))
        row.previous_ledger = ledgers.get((area_id, False))
        row.due_on = row.ledger.due_on if row.ledger is not None else due
        for target, snapshot, when, round_ in (
            (row.values, row.snapshot, half, rating_round),
            (row.previous_values, row.previous, previous, previous_round),
        ):
            if snapshot is None:
                continue
            target["organizations"] = snapshot.organizations
            target["org_covered"] = snapshot.org_covered
            target["work_covered"] = snapshot.work_covered
            target["org_coverage_rate"] = snapshot.org_coverage_rate
            target["work_coverage_rate"] = snapshot.work_coverage_rate
            target["charter"] = snapshot.charter
            target["cross_appointed"] = snapshot.cross_appointed
            target["charter_rate"] = snapshot.charter_rate
            target["cross_appointed_rate"] = snapshot.cross_appointed_rate
            target["must_establish_not_established"] = snapshot.must_establish_not_established
            target["open_warnings"] = warnings.get((area_id, when), 0)
            counted = stars.get((area_id, round_.pk), {}) if round_ is not None else None
            target["four_star"] = counted.get("four_star", 0) if counted is not None else None
            target["five_star"] = counted.get("five_star", 0) if counted is not None else None
    for figure, direction in FIGURES.items():
        _rank(rows, figure, direction)
    return League(period, previous.code, rows, rating_round, previous_round)
