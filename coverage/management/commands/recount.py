from django.core.management.base import BaseCommand, CommandError

from coverage.recount import services
from coverage.recount.periods import HalfYear
from xian_partybuild import clock


class Command(BaseCommand):
    help = "Recount a half-year's coverage snapshots from the records (default: the half-year just ended)."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="half-year code such as 2020H2")

    def handle(self, *args, period=None, **options):
        try:
            half = HalfYear.parse(period) if period else HalfYear.last_ended(clock.today())
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            run = services.recount_run(period=half)
        except services.RecountAlreadyRunning as exc:
            raise CommandError(f"a recount of {half} is already running") from exc
        self.stdout.write(
            f"{half}: {run.snapshot_count} snapshots written, {run.frozen_kept} kept as accepted, "
            f"{(run.finished_at - run.started_at).total_seconds():.2f}s"
        )
