"""Celery tasks of the organisations app: take nothing or a day, call one function, safe to retry."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError

from .coverage_state import refresh_coverage
from .instructors.workload import rebuild_workload


@shared_task(
    name="organizations.tasks.refresh_coverage",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    max_retries=3,
    soft_time_limit=30 * 60,
    time_limit=35 * 60,
)
def refresh_coverage_daily(today: str | None = None) -> int:
    """Beat entry shortly after midnight: an instructor assignment or a party
    organisation whose dates end or begin changes coverage, and who serves
    whom today, with no write at all. Writes only the coverage rows whose
    answer changed and rebuilds the workload tally whole, so running it
    twice, or after a redelivery, does no harm."""
    on = dt.date.fromisoformat(today) if today else None
    changed = refresh_coverage(on=on)
    rebuild_workload(on=on)
    return changed
