"""Chart data endpoints (django-chartjs). Each one reads snapshots or tallies
of the user's own scope (for_user(), TallyQuerySet.own), so a district
official's JSON holds only their area, in a fixed number of queries.

Every bar links to the list of exactly the records it counts, as of the
chart's half-year: `links[dataset][label]` is that list's URL and
`counts[dataset][label]` how many records it holds (a rate's numerator, the
records behind a sum).
"""

from __future__ import annotations

from urllib.parse import urlencode

from chartjs.views.lines import BaseLineChartView
from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext as _

from coverage.models import EarlyWarning
from coverage.recount.compute import CITY_OWN_LABEL
from coverage.recount.links import figure_url, list_path
from coverage.recount.selectors import period_or_latest
from engagement.models import Contribution
from organizations.models import Area
from ratings.models import MAX_STARS
from ui.formatting import percent_value, wan_value
from ui.views import KeptPageMixin, PeriodFromRequestMixin

from . import selectors

PALETTE = [(179, 38, 30), (29, 78, 216), (6, 118, 71), (181, 71, 8), (109, 40, 217), (14, 116, 144), (190, 24, 93)]


def percent(rate) -> float:
    return float(percent_value(rate))


def list_url(name: str, **filters) -> str:
    return f"{list_path(name)}?{urlencode({k: v for k, v in filters.items() if v is not None})}"


class ScopedChartView(LoginRequiredMixin, KeptPageMixin, PeriodFromRequestMixin, BaseLineChartView):
    chart_type = "bar"
    stacked = False
    raise_exception = True  # JSON endpoints answer 403, not a login redirect
    period_resolver = staticmethod(period_or_latest)

    def get_colors(self):
        while True:
            yield from PALETTE

    def get_dataset_options(self, index, color):  # noqa: ARG002 (django-chartjs's signature)
        red, green, blue = color
        options = {
            "backgroundColor": f"rgba({red}, {green}, {blue}, 0.75)",
            "borderColor": f"rgb({red}, {green}, {blue})",
        }
        if self.chart_type == "line":
            options.update(fill=False, borderWidth=2, pointBackgroundColor=f"rgb({red}, {green}, {blue})")
        return options

    def get_links(self) -> list[list[str | None]]:
        return []

    def get_counts(self) -> list[list[int]]:
        return []

    def get_context_data(self, **kwargs):
        # Only what the chart needs: no view object, nothing else from the template context.
        self.prepare()
        return {
            "type": self.chart_type,
            "stacked": self.stacked,
            "labels": self.get_labels(),
            "datasets": self.get_datasets(),
            "links": self.get_links(),
            "counts": self.get_counts(),
            "unit": getattr(self, "unit", ""),
        }

    def prepare(self) -> None:
        """Load the rows once; get_labels/get_data/get_links read them."""


class CoverageRatesChart(ScopedChartView):
    """The two coverage rates of each snapshot row in `self.rows`, as percentages;
    a bar opens the organisations its rate counts as covered."""

    COUNTS = ("org_covered", "work_covered")

    def get_providers(self):
        return [_("Organisational coverage"), _("Work coverage")]

    def get_data(self):
        return [
            [percent(row.org_coverage_rate) for row in self.rows],
            [percent(row.work_coverage_rate) for row in self.rows],
        ]

    def row_period(self, row):
        return row.period

    def get_links(self):
        return [[figure_url(figure, row, self.row_period(row)) for row in self.rows] for figure in self.COUNTS]

    def get_counts(self):
        return [[getattr(row, figure) for row in self.rows] for figure in self.COUNTS]


class CoverageByAreaChart(CoverageRatesChart):
    unit = "%"

    def prepare(self):
        period = self.get_period()
        self.rows = list(selectors.area_rows(self.request.user, period)) if period else []

    def get_labels(self):
        return [row.label for row in self.rows]

    def row_period(self, row):  # noqa: ARG002 (every row is of the chart's half-year)
        return self.get_period()


class CoverageTrendChart(CoverageRatesChart):
    chart_type = "line"
    unit = "%"

    def prepare(self):
        self.rows = list(selectors.scope_trend(self.request.user))

    def get_labels(self):
        return [row.period.code for row in self.rows]


def area_label(cell: dict) -> str:
    """A tally cell's registration area as the figures name it: the city's own read 市本级, as in the snapshots."""
    return CITY_OWN_LABEL if cell["area__level"] == Area.Level.CITY else cell["area__name"]


class WarningsChart(ScopedChartView):
    stacked = True

    def prepare(self):
        cells = selectors.open_warnings_by_rule_and_area(self.request.user, self.get_period())
        self.areas = list(dict.fromkeys(area_label(c) for c in cells))
        self.rules = [rule for rule in EarlyWarning.Rule if any(c["rule"] == rule for c in cells)]
        counts = {(c["rule"], area_label(c)): c["n"] for c in cells}
        self.matrix = [[counts.get((rule.value, area), 0) for area in self.areas] for rule in self.rules]
        # A warning carries its record's registration area; the city's own
        # (市本级) are those filed at the city, not the districts' under it.
        self.area_filters = {
            area_label(c): {"registration_area" if c["area__level"] == Area.Level.CITY else "area": c["area_id"]}
            for c in cells
        }

    def get_labels(self):
        return self.areas

    def get_providers(self):
        return [str(rule.label) for rule in self.rules]

    def get_data(self):
        return self.matrix

    def get_links(self):
        period = self.get_period()
        return [
            [
                list_url(
                    "coverage:warning-list",
                    period=period.code if period else None,
                    rule=rule.value,
                    **self.area_filters[area],
                )
                for area in self.areas
            ]
            for rule in self.rules
        ]

    def get_counts(self):
        return self.matrix


class ContributionsChart(ScopedChartView):
    """Money and priced goods by kind of contribution, in 万元."""

    stacked = True
    unit = " 万元"

    def prepare(self):
        self.summary = selectors.contribution_figures(self.request.user)
        self.kinds = [kind for kind in Contribution.Kind if self.summary[kind.value]["records"]]

    def get_labels(self):
        return [str(kind.label) for kind in self.kinds]

    def get_providers(self):
        return [_("Money"), _("Priced goods")]

    def get_data(self):
        return [
            [float(wan_value(self.summary[kind.value]["money"])) for kind in self.kinds],
            [float(wan_value(self.summary[kind.value]["goods"])) for kind in self.kinds],
        ]

    def get_links(self):
        links = [list_url("engagement:contribution-list", kind=kind.value) for kind in self.kinds]
        return [links, links]

    def get_counts(self):
        records = [self.summary[kind.value]["records"] for kind in self.kinds]
        return [records, records]


class StarsByRoundChart(ScopedChartView):
    """Final stars per rating round, stacked."""

    stacked = True

    def prepare(self):
        cells = selectors.stars_by_round(self.request.user)
        self.years = sorted({c["round__year"] for c in cells})
        counts = {(c["round__year"], c["final_stars"]): c["n"] for c in cells}
        self.matrix = [[counts.get((year, stars), 0) for year in self.years] for stars in range(1, MAX_STARS + 1)]

    def get_labels(self):
        return [str(year) for year in self.years]

    def get_providers(self):
        return [_("%(n)s star(s)") % {"n": stars} for stars in range(1, MAX_STARS + 1)]

    def get_data(self):
        return self.matrix

    def get_links(self):
        return [
            [list_url("ratings:evaluation-list", round=year, final_stars=stars) for year in self.years]
            for stars in range(1, MAX_STARS + 1)
        ]

    def get_counts(self):
        return self.matrix
