"""pg_dump of the configured PostgreSQL database into one custom-format file
(compressed; restore reads it). The demo's SQLite file is copied instead."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.dumps import backup


class Command(BaseCommand):
    help = "Back up the database (PostgreSQL: pg_dump custom format; SQLite: a consistent copy)."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="file to write (overwritten)")

    def handle(self, *args, output: Path, **options):
        try:
            size = backup(output)
        except (OSError, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backed up to {output} ({size:,} bytes)."))
