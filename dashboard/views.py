from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from coverage.changes.selectors import coverage_rate_changes
from coverage.recount.links import figure_links
from ui.views import KeptPageMixin
from xian_partybuild import clock

from . import selectors
from .periods import RecountedPeriodMixin


class DashboardView(LoginRequiredMixin, KeptPageMixin, RecountedPeriodMixin, TemplateView):
    """The landing page: key figures and charts for the user's scope and a half-year.

    A fixed number of queries over snapshots and tallies, whatever the number
    of organisations; none when the user has seen the page since the data
    last changed (KeptPageMixin)."""

    template_name = "dashboard/index.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Dashboard"), **self.figures()}

    def figures(self) -> dict:
        """What the page shows, read afresh (not when its parts are kept)."""
        user = self.request.user
        period = self.get_period()
        rating_round = selectors.rating_round_for(period)
        snapshot, previous = selectors.scope_snapshots(user, period)
        # 变动明细: each figure's change since the previous half-year's snapshot.
        changes = selectors.snapshot_changes(snapshot, previous)
        return {
            "today": clock.today(),  # the printed page's date
            "period": period,
            "periods": self.periods,
            "snapshot": snapshot,
            # Each figure opens the list of exactly the records it counts, as of its half-year.
            "links": figure_links(snapshot, period),
            "open_warnings": selectors.open_warning_count(user, period),
            "changes": changes,
            "rate_changes": coverage_rate_changes(snapshot, changes["delta"]) if changes else None,
            "engagement": selectors.engagement_figures(user),
            "brands": selectors.brand_figures(user),
            "rating_round": rating_round,
            "ratings": selectors.rating_figures(user, rating_round) if rating_round else None,
            "period_query": self.period_query(),
            # A district official's area chart is their district's sub-districts.
            "by_subdistrict": selectors.by_subdistrict(user),
        }
