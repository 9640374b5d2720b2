"""Celery tasks of the notices: take a day or nothing, call one function, safe to retry."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import daily


@shared_task(
    name="notices.tasks.notices_due",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    max_retries=3,
    soft_time_limit=10 * 60,
    time_limit=12 * 60,
)
def notices_due() -> dict[str, int]:
    """Daily (beat): ledgers and rectifications due within 7 days or overdue.
    Idempotent: a notice per user, record and due date, whatever the runs."""
    return daily.notices_due()
