"""Demo steps for seed_demo: four half-years of recounted history, then the
early-warning scan as of the demo's date.

The history is not invented: each half-year is recounted from the records
as they stood on its last day (registration, establishment, dissolution and
instructor dates), so the trend ends at the end-2020 figures by construction.
"""

from __future__ import annotations

import datetime as dt
import random

from .models import EarlyWarning, Snapshot
from .recount import services
from .recount.periods import HalfYear
from .warnings.scan import warning_scan

AS_OF = dt.date(2020, 12, 31)
HISTORY = [HalfYear(2019, 1), HalfYear(2019, 2), HalfYear(2020, 1), HalfYear(2020, 2)]


def seed_recount_history(rng: random.Random) -> int:  # noqa: ARG001 (every demo step takes the run's rng)
    if Snapshot.objects.exists():
        return 0
    return sum(services.recount_run(period=half).snapshot_count for half in HISTORY)


def seed_warnings(rng: random.Random) -> int:  # noqa: ARG001 (every demo step takes the run's rng)
    """Scan as of the demo's own date (end of 2020), not today: the demo
    shows the city as it stood then."""
    if EarlyWarning.objects.exists():
        return 0
    warning_scan(today=AS_OF)
    return EarlyWarning.objects.count()


STEPS = (("recount_history", seed_recount_history), ("warnings", seed_warnings))
