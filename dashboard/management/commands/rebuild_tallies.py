"""`manage.py rebuild_tallies [--check]`: the dashboard's tallies from the records."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from dashboard import tallies


class Command(BaseCommand):
    help = (
        "Rebuild the dashboard's tallies (ratings, warnings, contributions, training and pilots) from the records. "
        "With --check, only say where the stored tallies differ from the records."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="Compare only; fail if anything differs.")

    def handle(self, *args, check: bool = False, **options) -> None:
        started = time.perf_counter()
        if check:
            found = tallies.differences()
            for line in found[:50]:
                self.stdout.write(line)
            if found:
                raise CommandError(f"{len(found)} tally rows differ from the records.")
            self.stdout.write(self.style.SUCCESS("The tallies agree with the records."))
            return
        written = tallies.rebuild()
        self.stdout.write(self.style.SUCCESS(f"{written} tally rows rebuilt in {time.perf_counter() - started:.1f} s."))
