"""Demo step for seed_demo: the tallies, from the records every earlier step
wrote in bulk (bulk_create sends no signals). The dashboard comes after the
apps it counts in INSTALLED_APPS, so this step runs last."""

from __future__ import annotations

import random

from . import tallies


def seed_tallies(rng: random.Random) -> int:  # noqa: ARG001 (every demo step takes the run's rng)
    # Always: a rebuild replaces the rows, so a second seed changes nothing.
    return tallies.rebuild()


STEPS = (("tallies", seed_tallies),)
