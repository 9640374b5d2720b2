"""The half-year briefing (半年度简报): one page for the user's scope and a
half-year. Its key figures come from compare() (the scope's snapshots and
tallies), its league from league(), its warnings from the warning tally, and
its three to five sentences are written here from those same figures, in
the active language.

A fixed number of queries whatever the number of organisations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from coverage.models import EarlyWarning, Period
from dashboard.charts import area_label, list_url
from dashboard.models import WarningTally
from organizations.models import Area
from ui.formatting import format_percent, percent_value
from xian_partybuild import clock

from .compare import ComparedFigure, compare
from .league import League, _open_at_end, league, may_see_league
from .ledgers import LedgerCompleteness, ledger_completeness

if TYPE_CHECKING:
    from accounts.models import User

KEY_FIGURES = (
    "organizations",
    "party_organizations",
    "org_coverage_rate",
    "work_coverage_rate",
    "must_establish_not_established",
    "open_warnings",
    "four_star",
    "five_star",
)
TOP_WARNINGS = 5
MOST_PLACES = 5


@dataclass
class WarningGroup:
    rule: str
    label: str
    area: str
    count: int
    url: str


@dataclass
class Briefing:
    period: Period
    previous: Period | None
    today: dt.date
    figures: list[ComparedFigure]
    league: League | None
    ledgers: LedgerCompleteness | None
    warnings_by_rule: list[tuple[str, int]]
    top_warnings: list[WarningGroup]
    rating_year: int | None = None
    sentences: list[str] = field(default_factory=list)

    def figure(self, name: str) -> ComparedFigure:
        return next(f for f in self.figures if f.name == name)

    @property
    def league_rows(self) -> list:
        """The league in rank order (organisational coverage first), for the page."""
        rows = self.league.rows if self.league else []
        return sorted(rows, key=lambda row: (row.ranks.get("org_coverage_rate", 0), row.label))

    @property
    def has_snapshot(self) -> bool:
        return self.figure("organizations").b is not None


def _warning_groups(user: User, period: Period) -> tuple[list[tuple[str, int]], list[WarningGroup]]:
    """Open warnings at the half-year's end by rule (most first), and the
    largest groups by rule and district, each opening its list."""
    half = period.half_year
    cells: dict[tuple[str, int], dict[str, Any]] = {}
    rows = (
        WarningTally.objects.by_area(user)
        .values("rule", "area_id", "area__name", "area__level", "opened_half", "closed_half")
        .annotate(n=Sum("warnings"))
    )
    for row in rows:
        if row["n"] and _open_at_end(row, half):
            cell = cells.setdefault((row["rule"], row["area_id"]), {**row, "n": 0})
            cell["n"] += row["n"]
    by_rule: dict[str, int] = {}
    for (rule, _area), cell in cells.items():
        by_rule[rule] = by_rule.get(rule, 0) + cell["n"]
    ordered = sorted(by_rule.items(), key=lambda item: (-item[1], item[0]))
    groups = []
    for (rule, area_id), cell in sorted(cells.items(), key=lambda item: (-item[1]["n"], area_label(item[1]))):
        # A warning carries its record's registration area; the city's own are filed at the city.
        key = "registration_area" if cell["area__level"] == Area.Level.CITY else "area"
        url = list_url("coverage:warning-list", period=period.code, rule=rule, **{key: area_id})
        label = str(EarlyWarning.Rule(rule).label)
        groups.append(WarningGroup(rule, label, area_label(cell), cell["n"], url))
    return [(str(EarlyWarning.Rule(rule).label), n) for rule, n in ordered], groups[:TOP_WARNINGS]


def briefing(user: User, period: Period, previous: Period | None) -> Briefing:
    comparison = compare(user, previous, period)
    figures = [f for name in KEY_FIGURES for f in comparison.figures if f.name == name]
    by_rule, top = _warning_groups(user, period)
    found = Briefing(
        period=period,
        previous=previous,
        today=clock.today(),
        figures=figures,
        league=league(user, period) if may_see_league(user) else None,
        ledgers=ledger_completeness(user, period),
        warnings_by_rule=by_rule,
        top_warnings=top,
        rating_year=comparison.b_round.year if comparison.b_round else None,
    )
    found.sentences = summary_sentences(found) if found.has_snapshot else []
    return found


# --------------------------------------------------------------------------
# The sentences
# --------------------------------------------------------------------------


def _points(delta) -> str:
    return number_format(abs(percent_value(delta)), decimal_pos=1)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _rate_clause(figure: ComparedFigure, name: str) -> str:
    rate = format_percent(figure.b)
    context = {"figure": name, "rate": rate}
    if figure.delta is None:
        return _("%(figure)s %(rate)s") % context
    if not percent_value(figure.delta):
        return _("%(figure)s stayed at %(rate)s") % context
    context["points"] = _points(figure.delta)
    if figure.delta > 0:
        return _("%(figure)s %(rate)s, up %(points)s percentage points on the previous half-year") % context
    return _("%(figure)s %(rate)s, down %(points)s percentage points on the previous half-year") % context


def _count_change(delta: int | None) -> str | None:
    if delta is None:
        return None
    if delta > 0:
        return _("up %(n)s") % {"n": delta}
    if delta < 0:
        return _("down %(n)s") % {"n": -delta}
    return _("unchanged")


def _coverage_sentence(brief: Briefing) -> str:
    work = _rate_clause(brief.figure("work_coverage_rate"), _("work coverage"))
    org = _rate_clause(brief.figure("org_coverage_rate"), _("organisational coverage"))
    return _sentence(_("%(first)s; %(second)s.") % {"first": work, "second": org})


def _gap_sentence(brief: Briefing) -> str:
    figure = brief.figure("must_establish_not_established")
    if not figure.b:
        return _("No social organisation that must establish a party organisation is without one.")
    places = []
    if brief.league is not None and len(brief.league.rows) > 1:
        rows = [row for row in brief.league.rows if row.values.get("must_establish_not_established")]
        rows.sort(key=lambda row: (-row.values["must_establish_not_established"], row.label))
        places = [
            _("%(place)s (%(count)s)") % {"place": row.label, "count": row.values["must_establish_not_established"]}
            for row in rows[:MOST_PLACES]
        ]
    if places:
        joined = _(", ").join(places)
        if len(rows) > MOST_PLACES:
            joined = _("%(places)s and others") % {"places": joined}
        return _("Must establish a party organisation but have not: %(count)s, in %(places)s.") % {
            "count": figure.b,
            "places": joined,
        }
    change = _count_change(figure.delta)
    if change is None:
        return _("Must establish a party organisation but have not: %(count)s.") % {"count": figure.b}
    return _("Must establish a party organisation but have not: %(count)s (%(change)s on the previous half-year).") % {
        "count": figure.b,
        "change": change,
    }


def _warning_sentence(brief: Briefing) -> str:
    figure = brief.figure("open_warnings")
    if not figure.b:
        return _("No early warning is open.")
    context = {"count": figure.b, "change": _count_change(figure.delta)}
    if brief.warnings_by_rule:
        context["rule"], context["rule_count"] = brief.warnings_by_rule[0]
        if context["change"] is None:
            return _("Open early warnings: %(count)s; the most frequent: %(rule)s (%(rule_count)s).") % context
        return (
            _(
                "Open early warnings: %(count)s (%(change)s on the previous half-year); "
                "the most frequent: %(rule)s (%(rule_count)s)."
            )
            % context
        )
    return _("Open early warnings: %(count)s.") % context


def _stars_sentence(brief: Briefing) -> str | None:
    if brief.rating_year is None:
        return None
    return _(
        "Rating round %(year)s: %(four)s four-star organisations named by the city, "
        "%(five)s five-star certified by the province."
    ) % {"year": brief.rating_year, "four": brief.figure("four_star").b, "five": brief.figure("five_star").b}


def _league_sentence(brief: Briefing) -> str | None:
    if brief.league is None or len(brief.league.rows) < 2:
        return None
    rows = sorted(brief.league.rows, key=lambda row: (row.ranks.get("org_coverage_rate", 0), row.label))
    best, worst = rows[0], rows[-1]
    return _(
        "Organisational coverage is highest in %(best)s (%(best_rate)s) and lowest in %(worst)s (%(worst_rate)s)."
    ) % {
        "best": best.label,
        "best_rate": format_percent(best.values["org_coverage_rate"]),
        "worst": worst.label,
        "worst_rate": format_percent(worst.values["org_coverage_rate"]),
    }


def _ledger_sentence(brief: Briefing) -> str | None:
    ledgers = brief.ledgers
    if ledgers is None or not ledgers.expected:
        return None
    context = {"received": ledgers.received, "expected": ledgers.expected}
    if ledgers.on_time_share is None:
        return _("Ledgers in for the half-year: %(received)s of %(expected)s.") % context
    context["on_time"] = format_percent(ledgers.on_time_share)
    return _("Ledgers in for the half-year: %(received)s of %(expected)s, %(on_time)s of them on time.") % context


def summary_sentences(brief: Briefing) -> list[str]:
    """Three to five sentences: coverage, 应建未建, warnings, stars, and the
    districts' spread (city-wide) or the ledger (a district, a committee)."""
    sentences = [_coverage_sentence(brief), _gap_sentence(brief), _warning_sentence(brief), _stars_sentence(brief)]
    last = _league_sentence(brief) or _ledger_sentence(brief)
    return [s for s in [*sentences, last] if s]
