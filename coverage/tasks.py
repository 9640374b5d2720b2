"""Celery tasks: take a period or an id, call one service, safe to retry."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import services
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
