"""Celery tasks of the export jobs: take an id, call one service.

Services never import this module: they queue by name (xian_partybuild.celery.enqueue)."""

from __future__ import annotations

from celery import shared_task

from . import services

# A million rows into Excel took 16 minutes on a loaded 2-core machine
# (bench/exports.py); the hard limit stays below services.STALE_AFTER so that
# a killed job is marked failed, not left running, and below the broker's
# visibility timeout (settings) so that a job still running is never handed
# to a second worker.
EXPORT_LIMITS = {"soft_time_limit": 30 * 60, "time_limit": 35 * 60}


@shared_task(name="exports.tasks.export_run", acks_late=True, **EXPORT_LIMITS)
def export_run(job_id: str) -> str:
    """Write one job's file. A job already taken is not run twice, so a
    redelivered message does no harm; a failure is recorded on the job,
    which its status page shows."""
    job = services.export_job_run(job_id=job_id)
    if job is None:
        return f"{job_id}: gone"
    return f"{job_id}: {job.status} ({job.rows_written} rows)"


@shared_task(name="exports.tasks.exports_expire", acks_late=True)
def exports_expire() -> int:
    """Beat entry, hourly: delete files past their time."""
    return services.export_jobs_expire()
