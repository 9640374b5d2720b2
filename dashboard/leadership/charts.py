"""Four- and five-star organisations by district (django-chartjs JSON, the
shape of dashboard/charts.py): read from the same league rows as the league
table, so a bar and its table cell cannot disagree; each bar links to the
evaluations it counts."""

from __future__ import annotations

from django.contrib.auth.mixins import UserPassesTestMixin
from django.utils.translation import gettext as _

from dashboard.charts import ScopedChartView

from .league import league, may_see_league
from .links import league_link

STARS = ("four_star", "five_star")


class StarsByAreaChart(UserPassesTestMixin, ScopedChartView):
    def test_func(self) -> bool:
        return may_see_league(self.request.user)

    def prepare(self):
        period = self.get_period()
        self.league = league(self.request.user, period) if period else None
        # A district without a single 4★ or 5★ still shows, as an empty slot.
        self.rows = self.league.rows if self.league and self.league.rating_round else []

    def get_labels(self):
        return [row.label for row in self.rows]

    def get_providers(self):
        return [_("Four-star (named by the city)"), _("Five-star (certified by the province)")]

    def get_data(self):
        return [[row.values[figure] for row in self.rows] for figure in STARS]

    def get_links(self):
        return [[league_link(figure, row, self.league) for row in self.rows] for figure in STARS]

    def get_counts(self):
        return self.get_data()
