"""Recounts that recover (issue 13): a dead worker's run is recognised by its
silent heartbeat and its half-year recounted; a broker that is down leaves a
failed run and a message, never a 500 or a run "queued" for good."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from coverage.models import RecountRun, Snapshot
from coverage.recount import services
from coverage.recount.heartbeat import heartbeat
from coverage.recount.services import dead_runs, live_run, period_get

pytestmark = pytest.mark.django_db

DEAD_AFTER = 90


def _running(*, silent_for: float, period: str = "2020H2") -> RecountRun:
    return RecountRun.objects.create(
        period=period_get(period=period),
        status=RecountRun.Status.RUNNING,
        worker="celery@gone",
        heartbeat_at=timezone.now() - dt.timedelta(seconds=silent_for),
    )


@override_settings(RECOUNT_DEAD_AFTER_SECONDS=DEAD_AFTER)
def test_a_run_is_dead_once_its_heartbeat_is_silent_for_the_limit(dataset):
    alive = _running(silent_for=DEAD_AFTER - 10)
    assert list(dead_runs()) == [] and live_run(alive.period) == alive
    RecountRun.objects.filter(pk=alive.pk).update(heartbeat_at=timezone.now() - dt.timedelta(seconds=DEAD_AFTER + 1))
    assert list(dead_runs()) == [alive] and live_run(alive.period) is None


@override_settings(RECOUNT_DEAD_AFTER_SECONDS=DEAD_AFTER)
def test_pressing_recount_over_a_dead_run_marks_it_failed_and_starts_anew(dataset, staff_user):
    dead = _running(silent_for=DEAD_AFTER + 5)
    run = services.recount_enqueue(period="2020H2", actor=staff_user)
    dead.refresh_from_db()
    assert (dead.status, dead.failure) == (RecountRun.Status.FAILED, RecountRun.Failure.WORKER_LOST)
    assert "celery@gone" in dead.error and "no heartbeat since" in dead.error
    assert run.pk != dead.pk and run.status == RecountRun.Status.QUEUED


@override_settings(RECOUNT_DEAD_AFTER_SECONDS=DEAD_AFTER)
def test_a_live_run_still_blocks_a_second_one(dataset, staff_user):
    _running(silent_for=5)
    with pytest.raises(services.RecountAlreadyRunning):
        services.recount_enqueue(period="2020H2", actor=staff_user)


@override_settings(RECOUNT_DEAD_AFTER_SECONDS=DEAD_AFTER)
def test_the_reaper_recounts_a_dead_runs_half_year_once(dataset, django_capture_on_commit_callbacks):
    dead = _running(silent_for=DEAD_AFTER + 5)
    alive_elsewhere = _running(silent_for=1, period="2020H1")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.recount_reap() == ["2020H2"]
    dead.refresh_from_db()
    assert dead.status == RecountRun.Status.FAILED
    # Without a broker the queued recount ran at the commit: the half-year has its figures again.
    again = RecountRun.objects.filter(period=dead.period, pk__gt=dead.pk).get()
    assert again.status == RecountRun.Status.SUCCEEDED and again.worker.startswith("in-process")
    assert Snapshot.objects.get(period=dead.period, scope="city").organizations == 7
    alive_elsewhere.refresh_from_db()
    assert alive_elsewhere.status == RecountRun.Status.RUNNING
    # Nothing dead is left: a second pass queues nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.recount_reap() == []


def test_a_redelivered_message_for_a_replaced_run_does_not_recount(dataset):
    old = RecountRun.objects.create(period=period_get(period="2020H2"), status=RecountRun.Status.FAILED)
    services.recount_run(period="2020H2")
    with pytest.raises(services.RecountSuperseded):
        services.recount_run(period="2020H2", run_id=old.pk)
    assert RecountRun.objects.filter(status=RecountRun.Status.SUCCEEDED).count() == 1


def test_a_run_records_its_worker_and_a_first_heartbeat(dataset):
    run = services.recount_run(period="2020H2", worker="celery@node-1")
    run.refresh_from_db()
    assert run.worker == "celery@node-1" and run.heartbeat_at is not None
    assert run.heartbeat_at <= timezone.now()


@pytest.mark.django_db(transaction=True)
@override_settings(RECOUNT_HEARTBEAT_SECONDS=0.05)
def test_the_heartbeat_thread_stamps_a_running_run(dataset):
    run = _running(silent_for=600)
    before = run.heartbeat_at
    with heartbeat(run.pk):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.heartbeat_at > before:
                break
            time.sleep(0.05)
    assert run.heartbeat_at > before
    assert run not in dead_runs()


# The broker down ---------------------------------------------------------------------


# Transactional: the message is sent when the service's transaction commits, before the view answers.
@pytest.mark.django_db(transaction=True)
def test_recount_with_the_broker_down_fails_the_run_with_a_message(login, staff_user, recounted, broker_down):
    figures = Snapshot.objects.get(period__year=2020, period__half=2, scope="city").organizations
    client = login(staff_user)
    response = client.post(reverse("coverage:recount"), {"period": "2020H2"})
    assert response.status_code == 302
    run = RecountRun.objects.order_by("-pk").first()
    assert (run.status, run.failure) == (RecountRun.Status.FAILED, RecountRun.Failure.BROKER)
    assert "not queued" in run.error
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == [
        "2020H2 的重新排查无法排入队列：任务队列无法连接。原有数字保持不变；请稍后再试，或告知系统管理员。"
    ]
    # The last good figures stay, and the half-year is not blocked: the next press is taken.
    assert Snapshot.objects.get(period__year=2020, period__half=2, scope="city").organizations == figures
    assert live_run(run.period) is None
    status = client.get(reverse("coverage:recount-status", args=[run.pk])).json()
    assert status["done"] and "任务队列无法连接" in status["text"]
