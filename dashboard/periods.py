"""The half-year a leadership page shows, chosen like the dashboard's."""

from __future__ import annotations

from coverage.recount.selectors import choose_period, periods_with_snapshots
from ui.views import PeriodFromRequestMixin


class RecountedPeriodMixin(PeriodFromRequestMixin):
    """`?period=` among the recounted half-years (the latest by default); the
    selector's list is kept as `self.periods`. One query."""

    def get_period(self):
        if not hasattr(self, "_period"):
            self.periods = list(periods_with_snapshots())
            self._period = choose_period(self.periods, self.request.GET.get("period"))
        return self._period
