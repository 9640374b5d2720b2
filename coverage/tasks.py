"""Celery tasks: take a period or an id, call one service, safe to retry."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import early_warning, services
from .periods import HalfYear


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    max_retries=3,
)
def recount(period: str, run_id: int | None = None) -> str:
    """Recount one half-year. Recounting twice yields the same rows, so a
    redelivered message does no harm."""
    try:
        run = services.recount_run(period=period, run_id=run_id)
        early_warning.warning_scan_after_recount(run)
    except services.RecountAlreadyRunning:
        return f"{period}: another recount is running"
    return f"{period}: {run.snapshot_count} snapshots"


@shared_task(acks_late=True, max_retries=3)
def recount_last_half_year() -> str:
    """Beat entry for 01:00 on 1 January and 1 July."""
    return recount(HalfYear.last_ended(timezone.localdate()).code)


@shared_task(acks_late=True, max_retries=3)
def recount_catch_up() -> list[str]:
    """Daily guard: run any recount that should exist and does not."""
    return services.recount_missing()


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    max_retries=3,
)
def warning_scan(today: str | None = None) -> dict[str, int]:
    """Beat entry for 03:00 daily, also queued after each successful recount.
    A second scan opens and clears nothing, so a redelivered message does no harm."""
    return early_warning.warning_scan(today=dt.date.fromisoformat(today) if today else None)
