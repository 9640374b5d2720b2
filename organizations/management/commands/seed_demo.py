"""`manage.py seed_demo`: the deterministic Xi'an demo data as of end-December 2020."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils.module_loading import module_has_submodule

from organizations import demo
from organizations.models import Area, PartyOrganization, SocialOrganization
from organizations.selectors import coverage_summary, party_organization_summary

Step = Callable[[random.Random], int]


def _steps() -> Iterator[tuple[str, str, Step]]:
    """The organizations steps, then every other app's `demo.STEPS` in INSTALLED_APPS order.

    Later apps (ratings, coverage periods, engagement) build on the records
    seeded here, so they run after them.
    """
    for name, step in demo.STEPS:
        yield "organizations", name, step
    for config in apps.get_app_configs():
        if config.label == "organizations" or not module_has_submodule(config.module, "demo"):
            continue
        module = import_module(f"{config.name}.demo")
        for name, step in getattr(module, "STEPS", ()):
            yield config.label, name, step


class Command(BaseCommand):
    help = (
        "Seed the demo data (areas, supervising units, organisations, party organisations, instructors). "
        "Deterministic; steps whose data exists are skipped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--demo-users",
            action="store_true",
            help="Create the demo users even when DEBUG is off (they are always created when it is on).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any social organisation exists.",
        )

    def handle(self, *args, demo_users: bool = False, if_empty: bool = False, **options) -> None:
        if if_empty and SocialOrganization.objects.exists():
            self.stdout.write("Social organisations already exist; nothing seeded (--if-empty).")
            return

        started = time.perf_counter()
        with transaction.atomic():
            results = []
            analyzed = False
            for app_label, name, step in _steps():
                if app_label != "organizations" and not analyzed:
                    # The recount and the scans that follow plan their queries on
                    # tables this transaction just filled: without statistics
                    # PostgreSQL may take them for empty and nest loops over
                    # thousands of rows (minutes instead of milliseconds).
                    _analyze()
                    analyzed = True
                # The step's name, not its position, seeds its generator.
                key = name if app_label == "organizations" else f"{app_label}.{name}"
                results.append((key, step(demo.step_rng(key))))
            users, skipped = [], []
            if settings.DEBUG or demo_users:
                users, skipped = demo.seed_demo_users(settings.DEMO_PASSWORD)
        elapsed = time.perf_counter() - started

        for key, created in results:
            state = f"{created} rows created" if created else "skipped (already present)"
            self.stdout.write(f"  {key}: {state}")
        self._summary()
        self.stdout.write(self.style.SUCCESS(f"Seeded in {elapsed:.1f} s."))
        if users:
            self.stdout.write(f"Demo logins (password: {settings.DEMO_PASSWORD}):")
            for user in users:
                self.stdout.write(
                    f"  {user.username:<8} {user.first_name} · {user.get_role_display()} · {user.scope_label}"
                )
        for username in skipped:
            self.stdout.write(self.style.WARNING(f"  {username}: not created, its area or supervising unit is missing"))

    def _summary(self) -> None:
        coverage = coverage_summary(SocialOrganization.objects.all())
        party = party_organization_summary(PartyOrganization.objects.all())
        communities = Area.objects.filter(level=Area.Level.COMMUNITY).count()
        lines = [
            f"Active social organisations: {coverage['organizations']}",
            f"Active party organisations: {party['total']} (committees {party['kind_committee']}, general branches "
            f"{party['kind_general_branch']}, branches {party['kind_branch']}; standalone "
            f"{party['formation_standalone']}, joint {party['formation_joint']})",
            f"Organisational coverage: {coverage['org_covered']} ({coverage['org_coverage_rate']:.1%})",
            f"Work coverage: {coverage['work_covered']} ({coverage['work_coverage_rate']:.1%})",
            f"Must establish: {coverage['must_establish']}, not yet established: "
            f"{coverage['must_establish_not_established']}",
            f"Communities: {communities}",
        ]
        for line in lines:
            self.stdout.write(line)


def _analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
