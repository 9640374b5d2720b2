"""A running recount says it is alive: a thread beside it stamps the run's
heartbeat every RECOUNT_HEARTBEAT_SECONDS on its own database connection.

A worker killed mid-recount (OOM, a deploy, kill -9) stops beating, and the
run is recognised as dead RECOUNT_DEAD_AFTER_SECONDS later instead of blocking
its half-year until the hour-long stale guard or the broker's redelivery.
Times are real (timezone.now), not the one clock's day: they measure a
process's life, not the data's date."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from coverage.models import RecountRun

logger = logging.getLogger(__name__)


def _beat(run_id: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(settings.RECOUNT_HEARTBEAT_SECONDS):
            try:
                RecountRun.objects.filter(pk=run_id, status=RecountRun.Status.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
            except DatabaseError:
                # A missed beat is harmless unless they all miss; the recount itself goes on.
                logger.warning("recount run %s: heartbeat not written", run_id, exc_info=True)
    finally:
        connection.close()  # this thread's own connection


@contextlib.contextmanager
def heartbeat(run_id: int) -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=_beat, args=(run_id, stop), name=f"recount-heartbeat-{run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        # Not joined: a beat waiting on the run's row lock (the recount's own
        # transaction may hold it) must not hold the recount up; the thread
        # ends at its next wake-up, and its update matches no finished run.
        stop.set()
