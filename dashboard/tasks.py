"""Celery tasks of the dashboard: take nothing, call one function, safe to retry."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import tallies
from .leadership import notices


@shared_task(
    name="dashboard.tasks.rebuild_tallies",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    max_retries=3,
    soft_time_limit=30 * 60,
    time_limit=35 * 60,
)
def rebuild_tallies() -> int:
    """The safety net under the tallies that every write keeps true: rebuilt
    from the records nightly and after each recount. A rebuild replaces the
    rows with what the records say, so running it twice changes nothing."""
    return tallies.rebuild()


@shared_task(
    name="dashboard.tasks.recount_notices",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    max_retries=3,
)
def recount_notices(run_id: int) -> int:
    """Queued after each successful recount (coverage.tasks.recount): a notice
    with the briefing's summary for each leadership user. Idempotent: one
    notice per user, half-year and recount run, one email per notice."""
    return notices.notices_for_recount(run_id=run_id)
