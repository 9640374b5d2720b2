"""Celery tasks: take a period or an id, call one service, safe to retry.

The one tasks module of the app (Celery's autodiscovery and `CoverageConfig.ready()`
import `coverage.tasks`). Tasks import services; services never import this
module: where a service queues a task it names it (xian_partybuild.celery.enqueue).
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError

from dashboard import tallies
from organizations.coverage_state import refresh_coverage
from xian_partybuild import clock
from xian_partybuild.celery import enqueue

from .ledgers.imports import services as imports
from .recount import services
from .recount.periods import HalfYear
from .warnings import scan

# Measured at 1,003,896 organisations on PostgreSQL (2 cores, shared): the
# recount 21-25 s, the scan, the coverage refresh and the tallies' rebuild
# after it about a minute more. Ten times that is stuck: the soft limit
# raises inside the service, which marks the run failed and keeps the last
# good figures. A worker killed outright is found by its silent heartbeat
# (recount_reap) within minutes; the broker's visibility timeout (settings)
# outlasts every hard limit, so a live task is never handed out twice.
# The dashboard's task that tells leadership a recount completed, by name (the
# dashboard's tasks module is its own app's to import).
NOTICES_TASK = "dashboard.tasks.recount_notices"
RECOUNT_LIMITS = {"soft_time_limit": 10 * 60, "time_limit": 12 * 60}
SCAN_LIMITS = {"soft_time_limit": 10 * 60, "time_limit": 15 * 60}


@shared_task(
    name="coverage.tasks.recount",
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    max_retries=3,
    **RECOUNT_LIMITS,
)
def recount(self, period: str, run_id: int | None = None) -> str:
    """Recount one half-year. Recounting twice yields the same rows, so a
    redelivered message does no harm."""
    try:
        # A worker names itself; run in-process (no broker), the service names the process.
        worker = "" if self.request.is_eager else self.request.hostname or ""
        run = services.recount_run(period=period, run_id=run_id, worker=worker)
        scan.warning_scan_after_recount(run)
        # The safety net for the stored current coverage (kept true by every
        # write and the daily job): it writes only rows found wrong.
        refresh_coverage()
        # And for the dashboard's tallies (kept true by every write): rebuilt from the records.
        tallies.rebuild()
        # Leadership hears of it, with the briefing read from the figures just written.
        enqueue(NOTICES_TASK, run_id=run.pk)
    except services.RecountAlreadyRunning:
        return f"{period}: another recount is running"
    except services.RecountSuperseded:
        return f"{period}: run {run_id} was replaced by a later recount"
    except Exception:
        # Without a broker a run started from the button executes inside the
        # request that pressed it: its run already records the failure and the
        # reason, which the status line shows, so the page must not become an
        # error page. On a worker the task fails (and retries) as usual.
        if self.request.is_eager and run_id is not None:
            return f"{period}: failed"
        raise
    return f"{period}: {run.snapshot_count} snapshots"


@shared_task(name="coverage.tasks.recount_last_half_year", acks_late=True, max_retries=3, **RECOUNT_LIMITS)
def recount_last_half_year() -> str:
    """Beat entry for 01:00 on 1 January and 1 July."""
    return recount(HalfYear.last_ended(clock.today()).code)


@shared_task(name="coverage.tasks.recount_reap", acks_late=True, soft_time_limit=60, time_limit=90)
def recount_reap() -> list[str]:
    """Beat entry, every two minutes: runs whose worker died are marked
    failed and their half-years queued again."""
    return services.recount_reap()


@shared_task(name="coverage.tasks.recount_catch_up", acks_late=True, max_retries=3, **RECOUNT_LIMITS)
def recount_catch_up() -> list[str]:
    """Daily guard: run any recount that should exist and does not."""
    return services.recount_missing()


@shared_task(
    name="coverage.tasks.warning_scan",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    max_retries=3,
    **SCAN_LIMITS,
)
def warning_scan(today: str | None = None) -> dict[str, int]:
    """Beat entry for 03:00 daily, also queued after each successful recount.
    A second scan opens and clears nothing, so a redelivered message does no harm."""
    return scan.warning_scan(today=dt.date.fromisoformat(today) if today else None)


# Checking 100,000 rows takes seconds to a minute, importing them under 30 s
# (bench/imports.py); ten minutes means something is stuck.
IMPORT_LIMITS = {"soft_time_limit": 10 * 60, "time_limit": 12 * 60}


@shared_task(
    name="coverage.tasks.ledger_import_check",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    max_retries=3,
    **IMPORT_LIMITS,
)
def ledger_import_check(import_id: int) -> str:
    """Check an uploaded ledger file once and store the result; a finished
    check is left alone, an interrupted one starts again."""
    record = imports.ledger_import_check_stored(import_id=import_id)
    return f"import {import_id}: {record.status}, {record.row_count} rows, {record.error_count} problems"


@shared_task(name="coverage.tasks.ledger_import_run", acks_late=True, **IMPORT_LIMITS)
def ledger_import_run(import_id: int, actor_id: int) -> str:
    """Import a checked file from its stored rows; a file imported already is left alone."""
    record = imports.ledger_import_run_queued(import_id=import_id, actor_id=actor_id)
    return f"import {import_id}: {record.status}"


@shared_task(name="coverage.tasks.ledger_imports_expire", acks_late=True, max_retries=3, **IMPORT_LIMITS)
def ledger_imports_expire() -> int:
    """Beat entry, daily: delete the files of uploads never imported after the retention period."""
    return imports.ledger_imports_expire()
