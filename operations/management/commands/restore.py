"""Restore a backup made by `backup` into the configured database, replacing
what is there. Refuses without --yes: it overwrites every table."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.dumps import restore


class Command(BaseCommand):
    help = "Restore the database from a file made by `backup` (replaces every table)."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, type=Path, help="file made by backup")
        parser.add_argument("--yes", action="store_true", help="confirm that the database is to be replaced")

    def handle(self, *args, input: Path, yes: bool, **options):  # noqa: A002 (the option's name)
        if not yes:
            raise CommandError("restore replaces every table of the database: add --yes to go on")
        try:
            restore(input)
        except (OSError, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored from {input}."))
