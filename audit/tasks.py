"""Celery task of the audit log: the daily retention, one service call.

Idempotent: a run finds only entries older than the retention, so a
redelivered or repeated run archives nothing twice."""

from __future__ import annotations

from celery import shared_task

from .retention import audit_retention_run


@shared_task(name="audit.tasks.audit_retention", acks_late=True)
def audit_retention() -> int:
    """Beat entry, daily: archive and delete entries past the retention."""
    archived, _path = audit_retention_run()
    return archived
