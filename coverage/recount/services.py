"""The recount service: replace a half-year's snapshots atomically, with a
run guard so that two recounts of one half-year never overlap."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Action, require
from coverage.models import Period, RecountRun, Snapshot
from xian_partybuild import clock
from xian_partybuild.celery import enqueue

from . import compute
from .heartbeat import heartbeat
from .periods import HalfYear

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# A run still "queued" after this long lost its message (or no worker has run
# since); one "running" without a heartbeat (recorded before heartbeats were)
# after this long died with its worker. Neither blocks the next one. A running
# run with a heartbeat is dead much sooner: see dead_runs().
STALE_AFTER = dt.timedelta(hours=1)
# The Celery task that calls recount_run (coverage/tasks.py), by name: this
# module must not import the tasks module that imports it.
RECOUNT_TASK = "coverage.tasks.recount"


# Sent inside the recount's transaction once a half-year's snapshots are
# written (period=Period): what is stored with them (coverage.changes'
# counts) is written in the same transaction, without this module knowing it.
recount_written = Signal()


class RecountAlreadyRunning(Exception):
    pass


class RecountSuperseded(Exception):
    """A redelivered message for a run that a later recount has already replaced."""


LIVE = (RecountRun.Status.QUEUED, RecountRun.Status.RUNNING)


def dead_runs() -> QuerySet[RecountRun]:
    """Runs marked running whose worker has stopped: no heartbeat for
    RECOUNT_DEAD_AFTER_SECONDS (or, from before heartbeats, started over STALE_AFTER ago)."""
    silent_since = timezone.now() - dt.timedelta(seconds=settings.RECOUNT_DEAD_AFTER_SECONDS)
    return RecountRun.objects.filter(
        Q(heartbeat_at__lt=silent_since) | Q(heartbeat_at__isnull=True, started_at__lt=clock.now() - STALE_AFTER),
        status=RecountRun.Status.RUNNING,
    )


def _mark_dead(period_obj: Period | None = None) -> list[RecountRun]:
    """Mark the dead runs (of one half-year, or all) failed; returns them."""
    runs = dead_runs().select_related("period")
    if period_obj is not None:
        runs = runs.filter(period=period_obj)
    dead = list(runs)
    for run in dead:
        since = run.heartbeat_at or run.started_at
        error = f"worker lost: no heartbeat since {since:%Y-%m-%d %H:%M:%S %Z} ({run.worker or 'unknown worker'})"
        # Conditional on still running, so a run that finished meanwhile keeps its result.
        RecountRun.objects.filter(pk=run.pk, status=RecountRun.Status.RUNNING).update(
            status=RecountRun.Status.FAILED,
            finished_at=clock.now(),
            failure=RecountRun.Failure.WORKER_LOST,
            error=error,
        )
    return dead


def period_get(*, period: HalfYear | str) -> Period:
    half = HalfYear.parse(period) if isinstance(period, str) else period
    obj, _created = Period.objects.get_or_create(year=half.year, half=half.half)
    return obj


def live_run(period_obj: Period) -> RecountRun | None:
    """A queued or running recount of the half-year that is not stale: a
    message lost with the broker or a worker that died blocks nothing for long."""
    fresh = clock.now() - STALE_AFTER
    return (
        RecountRun.objects.filter(period=period_obj, status__in=LIVE, started_at__gte=fresh)
        .exclude(pk__in=dead_runs().values("pk"))
        .order_by("-pk")
        .first()
    )


def _created(run: RecountRun) -> RecountRun:
    # started_at is auto_now_add (the real time); the run is timed on the one
    # clock like everything it is compared with.
    run.started_at = clock.now()
    RecountRun.objects.filter(pk=run.pk).update(started_at=run.started_at)
    return run


def recount_enqueue(*, period: HalfYear | str, actor: User | None = None) -> RecountRun:
    """Record a queued run and hand it to Celery once the transaction commits.

    Raises ValidationError for a half-year that has not begun and
    RecountAlreadyRunning while a recount of that half-year is queued or running.
    Without a broker the task runs in-process when this returns."""
    if actor is not None:
        require(actor, Action.RECOUNT, Period)
    half = HalfYear.parse(period) if isinstance(period, str) else period
    if half.start > clock.today():
        raise ValidationError(
            _("%(period)s has not begun; only a half-year that has begun can be recounted.") % {"period": half.code},
            code="future",
        )
    period_obj = period_get(period=half)
    with transaction.atomic():
        # Two presses at once: the period row serialises them (PostgreSQL).
        Period.objects.select_for_update().get(pk=period_obj.pk)
        RecountRun.objects.filter(
            period=period_obj, status=RecountRun.Status.QUEUED, started_at__lt=clock.now() - STALE_AFTER
        ).update(status=RecountRun.Status.FAILED, finished_at=clock.now(), error="abandoned: no worker took it")
        _mark_dead(period_obj)
        if live_run(period_obj) is not None:
            raise RecountAlreadyRunning(period_obj.code)
        run = _created(
            RecountRun.objects.create(period=period_obj, status=RecountRun.Status.QUEUED, triggered_by=actor)
        )
        enqueue(RECOUNT_TASK, period=period_obj.code, run_id=run.pk, on_failure=lambda exc: _not_queued(run, exc))
    return run


def _not_queued(run: RecountRun, exc: Exception) -> None:
    """The broker refused the message: the run fails at once with the reason,
    rather than staying "queued" and blocking its half-year for an hour."""
    RecountRun.objects.filter(pk=run.pk, status=RecountRun.Status.QUEUED).update(
        status=RecountRun.Status.FAILED,
        finished_at=clock.now(),
        failure=RecountRun.Failure.BROKER,
        error=f"not queued: {type(exc).__name__}: {exc}"[:2000],
    )


def _start(period_obj: Period, run_id: int | None, actor: User | None, worker: str) -> RecountRun:
    _mark_dead(period_obj)
    if run_id is not None and (
        RecountRun.objects.filter(period=period_obj, pk__gt=run_id, status=RecountRun.Status.SUCCEEDED).exists()
    ):
        raise RecountSuperseded(period_obj.code)
    alive = {"worker": worker[:200], "heartbeat_at": timezone.now()}
    try:
        with transaction.atomic():
            if run_id is not None:
                updated = RecountRun.objects.filter(pk=run_id, status=RecountRun.Status.QUEUED).update(
                    status=RecountRun.Status.RUNNING, started_at=clock.now(), **alive
                )
                if updated:
                    return RecountRun.objects.get(pk=run_id)
            return _created(
                RecountRun.objects.create(
                    period=period_obj, status=RecountRun.Status.RUNNING, triggered_by=actor, **alive
                )
            )
    except IntegrityError as exc:
        if run_id is not None:
            RecountRun.objects.filter(pk=run_id, status=RecountRun.Status.QUEUED).update(
                status=RecountRun.Status.FAILED,
                finished_at=clock.now(),
                error="another recount of this period was running",
            )
        raise RecountAlreadyRunning(period_obj.code) from exc


def recount_run(
    *, period: HalfYear | str, run_id: int | None = None, actor: User | None = None, worker: str = ""
) -> RecountRun:
    """Recount a half-year from the records and replace its snapshots atomically.

    Readers see the previous figures until the new ones commit; a failure
    leaves them in place. Rows frozen by an accepted ledger are kept as they are.
    `worker` names the process (the Celery worker's hostname); the run stamps
    a heartbeat while it works so that a dead one is recognised (dead_runs).
    """
    period_obj = period_get(period=period)
    run = _start(period_obj, run_id, actor, worker or f"in-process {socket.gethostname()}:{os.getpid()}")
    try:
        with heartbeat(run.pk):
            _write(period_obj, run)
    except Exception as exc:
        logger.exception("recount of %s failed", period_obj.code)
        RecountRun.objects.filter(pk=run.pk).update(
            status=RecountRun.Status.FAILED,
            finished_at=clock.now(),
            failure=RecountRun.Failure.ERROR,
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise
    return run


def _write(period_obj: Period, run: RecountRun) -> None:
    scope_rows = compute.compute(period_obj.end)
    now = clock.now()
    with transaction.atomic():
        # Serialise writers on the period row (PostgreSQL row lock; SQLite
        # serialises writers anyway).
        Period.objects.select_for_update().get(pk=period_obj.pk)
        frozen = set(Snapshot.objects.filter(period=period_obj, frozen=True).values_list("scope", "scope_key"))
        Snapshot.objects.filter(period=period_obj, frozen=False).delete()
        Snapshot.objects.bulk_create(
            [
                Snapshot(
                    period=period_obj,
                    scope=r.scope,
                    scope_key=r.scope_key,
                    label=r.label,
                    area_id=r.area_id,
                    supervising_unit_id=r.supervising_unit_id,
                    computed_at=now,
                    **vars(r.figures),
                    **r.figures.rates(),
                )
                for r in scope_rows
                if (r.scope, r.scope_key) not in frozen
            ]
        )
        recount_written.send(sender=recount_run, period=period_obj)
        Period.objects.filter(pk=period_obj.pk).update(last_recounted_at=now)
        run.status = RecountRun.Status.SUCCEEDED
        run.finished_at = clock.now()
        run.snapshot_count = len(scope_rows) - len(frozen)
        run.frozen_kept = len(frozen)
        run.save(update_fields=["status", "finished_at", "snapshot_count", "frozen_kept"])


def recount_reap() -> list[str]:
    """Mark the runs whose worker died failed and queue each of their
    half-years again, unless a later recount has already succeeded or one is
    live. Safe to repeat: a second call finds nothing dead. Returns the
    half-years queued again."""
    requeued: list[str] = []
    for run in _mark_dead():
        code = run.period.code
        later = RecountRun.objects.filter(period=run.period, pk__gt=run.pk, status=RecountRun.Status.SUCCEEDED)
        if code in requeued or later.exists():
            continue
        try:
            recount_enqueue(period=code)
        except RecountAlreadyRunning:
            continue
        requeued.append(code)
    return requeued


def recount_missing(*, today: dt.date | None = None) -> list[str]:
    """The catch-up guard: recount the last ended half-year if it has no
    successful recount (the broker may have been down on 1 January / 1 July)."""
    today = today or clock.today()
    half = HalfYear.last_ended(today)
    done = RecountRun.objects.filter(
        period__year=half.year, period__half=half.half, status=RecountRun.Status.SUCCEEDED
    ).exists()
    if done:
        return []
    try:
        recount_run(period=half)
    except RecountAlreadyRunning:
        return []
    return [half.code]
