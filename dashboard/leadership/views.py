"""Leadership pages: thin views over dashboard.leadership's selectors."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin

from coverage.recount.selectors import choose_period, periods_with_snapshots
from ui.views import KeptPageMixin, SafeExportMixin
from xian_partybuild import clock

from ..periods import RecountedPeriodMixin
from .boundaries import draw
from .briefing import briefing
from .compare import compare
from .league import league, may_see_league
from .models import BoundaryFile
from .tables import LeagueTable
from .tilemap import COLUMNS, DEFAULT_FIGURE, MAP_FIGURES, ROWS, tile_map


class LeadershipMixin(LoginRequiredMixin, UserPassesTestMixin, RecountedPeriodMixin):
    """City-wide users and district officials; the half-year chosen like the dashboard's."""

    def test_func(self) -> bool:
        return may_see_league(self.request.user)

    def handle_no_permission(self):
        # Signed in without the right: 403; not signed in: the login page.
        self.raise_exception = self.request.user.is_authenticated
        return super().handle_no_permission()


class LeagueView(LeadershipMixin, KeptPageMixin, SafeExportMixin, SingleTableMixin, TemplateView):
    """Districts compared for a half-year: coverage, 应建未建, warnings, stars
    and ledgers, each with its change and rank. Five queries over snapshots,
    tallies and ledgers whatever the number of organisations."""

    template_name = "dashboard/league.html"
    table_class = LeagueTable
    table_pagination = False
    export_name = "districts-compared"

    def get_league(self):
        if not hasattr(self, "_league"):
            period = self.get_period()
            self._league = league(self.request.user, period) if period else None
        return self._league

    def get_table_data(self):
        found = self.get_league()
        return found.rows if found else []

    def get_table_kwargs(self):
        return {"league": self.get_league()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Districts compared"),
            period=self.get_period(),
            periods=self.periods,
            league=self.get_league(),
            period_query=self.period_query(),
            today=clock.today(),  # the printed page's date
        )
        return context


class CompareView(LoginRequiredMixin, KeptPageMixin, TemplateView):
    """Any two recounted half-years side by side for the user's own scope;
    by default the latest and the one before it."""

    template_name = "dashboard/compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        periods = list(periods_with_snapshots())
        b = choose_period(periods, self.request.GET.get("b"))
        # The earlier default: the recounted half-year just before b.
        earlier = next((p for p in periods if b is not None and (p.year, p.half) < (b.year, b.half)), b)
        a = choose_period(periods, self.request.GET.get("a") or (earlier.code if earlier else None))
        context.update(
            title=_("Two half-years compared"),
            periods=periods,
            a=a,
            b=b,
            comparison=compare(self.request.user, a, b) if a and b else None,
        )
        return context


class BriefingView(LoginRequiredMixin, KeptPageMixin, RecountedPeriodMixin, TemplateView):
    """The half-year briefing of the user's own scope: one A4 portrait page
    (static/css/briefing.css) to print or hand out."""

    template_name = "dashboard/briefing.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.get_period()
        previous = None
        if period is not None:
            half = period.half_year.previous()
            previous = next((p for p in self.periods if (p.year, p.half) == (half.year, half.half)), None)
        context.update(
            title=_("Half-year briefing"),
            period=period,
            periods=self.periods,
            brief=briefing(self.request.user, period, previous) if period else None,
            period_query=self.period_query(),
        )
        return context


class TileMapView(LeadershipMixin, KeptPageMixin, TemplateView):
    """The districts on a tile map coloured by a chosen league figure, each
    tile opening its district's page; districts with no place are listed beside it."""

    template_name = "dashboard/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.get_period()
        found = league(self.request.user, period) if period else None
        figure = self.request.GET.get("figure", DEFAULT_FIGURE)
        placed, unplaced, legend = tile_map(found, figure) if found else ([], [], None)
        # An administrator's boundary file, when one is active, is drawn instead of the tiles.
        boundary = BoundaryFile.objects.filter(active=True).only("shapes").first() if found else None
        drawing = draw(boundary.shapes) if boundary and boundary.shapes else None
        if drawing is not None:
            tiles = placed + unplaced
            placed = [tile for tile in tiles if tile.row.area and tile.row.area.code in drawing.paths]
            unplaced = [tile for tile in tiles if tile not in placed]
            for tile in placed:
                tile.path = drawing.paths[tile.row.area.code]
                tile.centre = drawing.centres[tile.row.area.code]
        context.update(
            title=_("Map of the districts"),
            period=period,
            periods=self.periods,
            league=found,
            tiles=placed,
            unplaced=unplaced,
            legend=legend,
            figures=MAP_FIGURES,
            grid={"rows": ROWS, "columns": COLUMNS},
            drawing=drawing,
        )
        return context
