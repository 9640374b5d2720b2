"""`manage.py seed_scale --orgs N`: the scale dataset on top of the demo's reference data."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from engagement import demo as engagement_demo
from organizations import demo
from organizations.models import Area
from organizations.scale import seed
from organizations.scale.common import MAX_ORGANIZATIONS
from organizations.scale.reference import MissingReference
from ratings import demo as ratings_demo

# What the scale dataset refers to, seeded as seed_demo seeds it (same step
# names, so the same generators) when the database has no areas at all.
REFERENCE_STEPS = (
    ("areas", demo.seed_areas),
    ("supervising_units", demo.seed_supervising_units),
    ("ratings.rounds", ratings_demo.seed_rounds),
    ("engagement.pilot_communities", engagement_demo.seed_pilot_communities),
)


class Progress:
    """A progress bar on stderr: organisations written, rate and time left."""

    def __init__(self, stream, total: int, width: int = 30) -> None:
        # The command's OutputWrapper: write() with ending="" keeps the bar on one line.
        self.stream, self.total, self.width = stream, total, width
        self.done = 0
        self.started = time.perf_counter()

    def __call__(self, step: int) -> None:
        self.done += step
        elapsed = time.perf_counter() - self.started
        share = self.done / self.total if self.total else 1.0
        filled = round(self.width * share)
        rate = self.done / elapsed if elapsed else 0.0
        left = (self.total - self.done) / rate if rate else 0.0
        self.stream.write(
            f"\r  [{'#' * filled}{'.' * (self.width - filled)}] {share:6.1%} {self.done:>9,}/{self.total:,} "
            f"organisations · {rate:,.0f}/s · {elapsed:.0f} s, ~{left:.0f} s left",
            ending="\n" if self.done >= self.total else "",
        )
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Add scale organisations numbered 1..N (with party organisations, instructors, evaluations, "
        "contributions and pilot service in the demo's proportions) on top of the demo's reference data, "
        "then refresh the stored coverage, recount the demo's half-years and run the warning scan. "
        "Idempotent: numbers already present are skipped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--orgs", type=int, required=True, help="How many scale organisations there should be.")

    def handle(self, *args, orgs: int, **options) -> None:
        if not 0 <= orgs <= MAX_ORGANIZATIONS:
            raise CommandError(f"--orgs must be between 0 and {MAX_ORGANIZATIONS:,}.")
        started = time.perf_counter()
        self._reference()
        before = seed.present()
        wanted = max(0, orgs - before)
        if wanted:
            self.stdout.write(f"Adding scale organisations {before + 1:,} to {orgs:,} ({connection.vendor}):")
        else:
            self.stdout.write(f"{before:,} scale organisations present; none added.")
        try:
            added = seed.seed(orgs, progress=Progress(self.stderr, wanted))
        except (MissingReference, seed.SeedLocked) as exc:
            raise CommandError(str(exc)) from exc
        for name, rows in sorted(added.items()):
            self.stdout.write(f"  {name}: {rows:,} rows")
        if wanted or seed.figures_stale():
            timings = seed.finish(step=lambda name: self.stdout.write(f"  {name} …"))
            for name, seconds in timings.items():
                self.stdout.write(f"  {name}: {seconds:.1f} s")
        size = ""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
                size = f", database size {cursor.fetchone()[0]}"
        self.stdout.write(
            self.style.SUCCESS(f"{seed.present():,} scale organisations; {time.perf_counter() - started:.1f} s{size}.")
        )

    def _reference(self) -> None:
        if Area.objects.exists():
            return
        self.stdout.write("No areas yet: seeding the demo's reference data (areas, units, rounds, pilot communities).")
        with transaction.atomic():
            for key, step in REFERENCE_STEPS:
                step(demo.step_rng(key))
