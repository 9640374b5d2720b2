"""Export jobs: start one for a list too large to export inside a request,
run it (the task), write its file, and delete files past their time.

The job dispatches the list's own view again, as its asker, with the query
string they asked with: the view's filters, sort, scope and permission apply
exactly as in the request, and the view's SafeExportMixin hands the table's
rows back here (`export_job_write`) instead of answering with a file.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.translation import gettext

from ui.exports import XLSX_MAX_ROWS, TableRows, TooManyRows, write_xlsx
from xian_partybuild.celery import enqueue

from .models import ExportJob

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# The Celery task that calls export_job_run (exports/tasks.py), by name.
EXPORT_TASK = "exports.tasks.export_run"
# Files are kept this long, then the periodic task deletes them. Wall-clock
# time, not the application's clock: retention is about disk space, and a
# demo pinned to one day must still let go of its files.
KEEP_FOR = dt.timedelta(hours=24)
# A job still queued or running after this long lost its message or its
# worker (the task's hard time limit is shorter); it blocks nothing.
STALE_AFTER = dt.timedelta(hours=2)
# Progress is written every so many rows: often enough for the status page,
# rarely enough to cost nothing (100 small updates for a million rows).
PROGRESS_EVERY = 10_000

Status = ExportJob.Status
LIVE = (Status.QUEUED, Status.RUNNING)


def _fail_stale(*, now: dt.datetime, **filters) -> int:
    return ExportJob.objects.filter(status__in=LIVE, created_at__lt=now - STALE_AFTER, **filters).update(
        status=Status.FAILED, finished_at=now, error=gettext("The export did not finish; please ask for it again.")
    )


def export_job_start(*, user: User, path: str, query: str, filename: str, language: str) -> ExportJob:
    """Record a queued XLSX job for the list at `path?query` and hand it to
    Celery once the transaction commits. Asking again while the same export
    is queued or running returns that job (a partial unique index says so).
    Without a broker the job runs in-process when this returns."""
    now = timezone.now()
    key = ExportJob.key_for(export_format=ExportJob.Format.XLSX, path=path, query=query)
    live = ExportJob.objects.filter(user=user, key=key)
    with transaction.atomic():
        _fail_stale(now=now, user=user)
        existing = live.filter(status__in=LIVE).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                job = ExportJob.objects.create(
                    user=user,
                    path=path,
                    query=query,
                    key=key,
                    export_format=ExportJob.Format.XLSX,
                    language=language,
                    filename=filename,
                    created_at=now,
                    expires_at=now + KEEP_FOR,
                )
        except IntegrityError:
            # The same export asked twice at once: the other request's job.
            return live.get(status__in=LIVE)
        enqueue(EXPORT_TASK, job_id=str(job.pk), on_failure=lambda _exc: _not_queued(job))
    return job


def _not_queued(job: ExportJob) -> None:
    """The broker refused the message: the job fails at once and its page says why,
    rather than staying "queued" for two hours and answering every new request."""
    ExportJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(
        status=Status.FAILED,
        finished_at=timezone.now(),
        error=gettext("The task queue cannot be reached; please try again later or tell the system administrator."),
    )


def _job_request(job: ExportJob) -> HttpRequest:
    """A GET of the list as the asker made it, for the view to answer again."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.path
    request.GET = QueryDict(job.query)
    request.META = {"REQUEST_METHOD": "GET", "PATH_INFO": job.path, "QUERY_STRING": job.query}
    request.user = job.user
    request.LANGUAGE_CODE = job.language
    # SafeExportMixin writes the file into this job instead of answering with it.
    request.export_job = job
    return request


def _fail(job: ExportJob, error: str) -> ExportJob:
    ExportJob.objects.filter(pk=job.pk).update(status=Status.FAILED, error=error, finished_at=timezone.now())
    job.refresh_from_db()
    return job


def export_job_run(*, job_id: str) -> ExportJob | None:
    """Run a queued job: dispatch its list's view as its asker. A job already
    taken (a redelivered message) or deleted is left alone."""
    if not ExportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(status=Status.RUNNING):
        return ExportJob.objects.filter(pk=job_id).first()
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    with translation.override(job.language):
        try:
            match = resolve(job.path)
            match.func(_job_request(job), *match.args, **match.kwargs)
        except (Http404, Resolver404, PermissionDenied):
            # Rights or records changed since the job was asked for.
            return _fail(job, gettext("This list is no longer available to you."))
        except Exception as exc:
            logger.exception("export job %s failed", job.pk)
            return _fail(job, gettext("The export failed: %(reason)s") % {"reason": exc})
        job.refresh_from_db()
        if job.status == Status.RUNNING:
            # The view answered without exporting (a login page, a redirect).
            return _fail(job, gettext("This list is no longer available to you."))
    return job


def export_job_write(*, job: ExportJob, rows: TableRows, max_rows: int = XLSX_MAX_ROWS) -> ExportJob:
    """Write the rows into the job's file, recording progress as it goes."""
    total = rows.count()
    ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
    if total > max_rows:
        return _fail(job, TooManyRows(total, max_rows).message())

    def progress(written: int) -> None:
        # Rows added since the count would overshoot the total the page shows.
        ExportJob.objects.filter(pk=job.pk).update(rows_written=min(written, total))

    with tempfile.TemporaryFile(suffix=".xlsx") as target:
        try:
            # No transaction around the read: the progress writes must commit while it runs.
            written = write_xlsx(
                rows,
                target,
                max_rows=max_rows,
                total=total,
                progress=progress,
                progress_every=PROGRESS_EVERY,
                atomic=False,
            )
        except TooManyRows as exc:
            return _fail(job, exc.message())
        target.seek(0)
        job.file.save(f"{job.pk}.xlsx", File(target), save=False)
    ExportJob.objects.filter(pk=job.pk).update(
        status=Status.SUCCEEDED,
        file=job.file.name,
        rows_total=written,
        rows_written=written,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def export_jobs_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the jobs past their time and their files; mark jobs that died
    failed. Returns how many were deleted."""
    now = now or timezone.now()
    _fail_stale(now=now)
    deleted = 0
    for job in ExportJob.objects.filter(expires_at__lte=now).only("pk", "file").iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        deleted += 1
    return deleted
