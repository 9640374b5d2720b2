"""Two half-years side by side for the user's own scope: every snapshot
figure, open warnings and the stars of each half-year's rating round, with
the difference (the later minus the earlier, whichever order they are asked in).

Five queries whatever the number of organisations: the scope's two snapshot
rows, the warning tally, the rating rounds, the rating tally (and the
half-years, read by the view)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from coverage.models import Snapshot
from coverage.recount.links import figure_url, list_path
from dashboard.models import RatingTally, WarningTally
from dashboard.selectors import own_snapshot_filter
from ratings.models import Evaluation, Round

from .league import _open_at_end, _round_for

if TYPE_CHECKING:
    from accounts.models import User
    from coverage.models import Period

# (figure, label): the snapshot's figures in the order the dashboard reads them.
SNAPSHOT_FIGURES = (
    ("organizations", _("Social organisations")),
    ("party_organizations", _("Party organisations")),
    ("org_coverage_rate", _("Organisational coverage")),
    ("org_covered", _("Organisationally covered")),
    ("work_coverage_rate", _("Work coverage")),
    ("work_covered", _("Work covered")),
    ("uncovered", _("Not covered")),
    ("must_establish", _("Must establish")),
    ("must_establish_not_established", _("Must establish, not yet established")),
    ("formal_party_members", _("Party members (formal)")),
    ("instructors", _("Instructors")),
    ("party_committees", _("Party committees")),
    ("party_general_branches", _("General branches")),
    ("party_branches", _("Branches")),
    ("party_standalone", _("Standalone party organisations")),
    ("party_joint", _("Joint party organisations")),
)
RATES = ("org_coverage_rate", "work_coverage_rate")
RATINGS = (("four_star", _("Four-star, named by the city")), ("five_star", _("Five-star, certified by the province")))


@dataclass
class ComparedFigure:
    name: str
    label: str
    a: Any
    b: Any
    a_url: str | None = None
    b_url: str | None = None

    @property
    def is_rate(self) -> bool:
        return self.name in RATES

    @property
    def delta(self):
        if self.a is None or self.b is None:
            return None
        return self.b - self.a


@dataclass
class Comparison:
    a: Period | None
    b: Period
    a_snapshot: Snapshot | None
    b_snapshot: Snapshot | None
    figures: list[ComparedFigure]
    a_round: Round | None
    b_round: Round | None


def _snapshot_value(snapshot: Snapshot | None, figure: str):
    return getattr(snapshot, figure) if snapshot is not None else None


def _stars(user: User, rounds: list[Round]) -> dict[int, dict[str, int]]:
    found = {r.pk: {"four_star": 0, "five_star": 0} for r in rounds}
    if not rounds:
        return found
    rows = (
        RatingTally.objects.own(user)
        .filter(round__in=[r.pk for r in rounds])
        .filter(Q(final_stars=4) | Q(state=Evaluation.State.CERTIFIED))
        .values("round_id", "state", "final_stars")
        .annotate(n=Sum("evaluations"))
    )
    for row in rows:
        if row["final_stars"] == 4:
            found[row["round_id"]]["four_star"] += row["n"]
        if row["state"] == Evaluation.State.CERTIFIED:
            found[row["round_id"]]["five_star"] += row["n"]
    return found


def _star_url(figure: str, round_: Round | None) -> str | None:
    if round_ is None:
        return None
    extra = {"final_stars": 4} if figure == "four_star" else {"state": "certified"}
    return f"{list_path('ratings:evaluation-list')}?{urlencode({'round': round_.year, **extra})}"


def compare(user: User, a: Period | None, b: Period) -> Comparison:
    """The user's own scope in half-years `a` and `b` (`a` None: never recounted, its column empty)."""
    periods = [p for p in (a, b) if p is not None]
    snapshots = {
        row.period_id: row
        for row in Snapshot.objects.for_user(user).filter(
            period__in=[p.pk for p in periods], **own_snapshot_filter(user)
        )
    }
    a_snapshot, b_snapshot = (snapshots.get(a.pk) if a else None), snapshots.get(b.pk)
    figures = [
        ComparedFigure(
            name,
            label,
            _snapshot_value(a_snapshot, name),
            _snapshot_value(b_snapshot, name),
            figure_url(name, a_snapshot, a) if a_snapshot else None,
            figure_url(name, b_snapshot, b) if b_snapshot else None,
        )
        for name, label in SNAPSHOT_FIGURES
    ]

    warnings = {p.pk: 0 for p in periods}
    for row in WarningTally.objects.own(user).values("opened_half", "closed_half").annotate(n=Sum("warnings")):
        for period in periods:
            if _open_at_end(row, period.half_year):
                warnings[period.pk] += row["n"]
    figures.append(
        ComparedFigure(
            "open_warnings",
            _("Open early warnings"),
            warnings[a.pk] if a else None,
            warnings[b.pk],
            figure_url("open_warnings", a_snapshot, a) if a_snapshot else None,
            figure_url("open_warnings", b_snapshot, b) if b_snapshot else None,
        )
    )

    rounds = list(Round.objects.order_by("-year"))
    a_round = _round_for(rounds, a.half_year) if a else None
    b_round = _round_for(rounds, b.half_year)
    stars = _stars(user, [r for r in {a_round, b_round} if r is not None])
    for name, label in RATINGS:
        figures.append(
            ComparedFigure(
                name,
                label,
                stars[a_round.pk][name] if a_round else None,
                stars[b_round.pk][name] if b_round else None,
                _star_url(name, a_round),
                _star_url(name, b_round),
            )
        )
    return Comparison(a, b, a_snapshot, b_snapshot, figures, a_round, b_round)
