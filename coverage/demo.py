"""Demo steps for seed_demo: four half-years of recounted history.

The history is not invented: each half-year is recounted from the records
as they stood on its last day (registration, establishment, dissolution and
instructor dates), so the trend ends at the end-2020 figures by construction.
"""

from __future__ import annotations

import random

from .models import Snapshot
from .periods import HalfYear

HISTORY = [HalfYear(2019, 1), HalfYear(2019, 2), HalfYear(2020, 1), HalfYear(2020, 2)]


def seed_recount_history(rng: random.Random) -> int:
    from . import services

    if Snapshot.objects.exists():
        return 0
    return sum(services.recount_run(period=half).snapshot_count for half in HISTORY)


STEPS = (("recount_history", seed_recount_history),)
