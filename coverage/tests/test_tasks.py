"""The Celery tasks: found by name, limited in time, eager without a broker,
and on a real worker process with a real broker."""

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse
from django_celery_beat.schedulers import ModelEntry

from conftest import publishing_to
from coverage import tasks
from coverage.models import EarlyWarning, Period, RecountRun, Snapshot
from coverage.recount.services import RECOUNT_TASK, STALE_AFTER, dead_runs, period_get, recount_enqueue
from coverage.warnings.scan import SCAN_TASK
from xian_partybuild.celery import app, enqueue

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_task_is_safe_to_run_twice(dataset):
    assert tasks.recount.apply(args=["2020H2"]).get() == tasks.recount.apply(args=["2020H2"]).get()
    assert Snapshot.objects.filter(scope="city").count() == 1


@pytest.mark.django_db
@override_settings(CLOCK_TODAY="2020-12-31")
def test_recounting_a_past_half_year_leaves_warnings_alone(dataset, django_capture_on_commit_callbacks):
    # Pressing "recount now" for 2020H1 on the demo used to scan as of the
    # real today and open warnings that 2020 never had.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.recount.apply(args=["2020H1"]).get()
    assert not EarlyWarning.objects.exists()
    # The half-year the clock lives in is scanned after its recount, as of the clock's day.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.recount.apply(args=["2020H2"]).get()
    assert set(EarlyWarning.objects.values_list("opened_on", flat=True)) == {dt.date(2020, 12, 31)}
    before = EarlyWarning.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.recount.apply(args=["2020H2"]).get()
        tasks.warning_scan.apply().get()
    assert EarlyWarning.objects.count() == before


@pytest.mark.django_db
def test_task_reports_a_concurrent_run_instead_of_failing(dataset):
    RecountRun.objects.create(period=period_get(period="2020H2"), status=RecountRun.Status.RUNNING)
    assert "another recount" in tasks.recount.apply(args=["2020H2"]).get()


@pytest.mark.django_db
def test_recount_command(dataset, capsys):
    call_command("recount", "--period", "2020H2")
    assert "2020H2" in capsys.readouterr().out
    assert Snapshot.objects.get(scope="city").organizations == 7
    with pytest.raises(CommandError):
        call_command("recount", "--period", "2020H5")


def test_beat_schedule_names_the_half_yearly_and_guard_jobs(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    half_yearly = schedule["recount-half-year-just-ended"]["schedule"]
    assert half_yearly.month_of_year == {1, 7} and half_yearly.day_of_month == {1}
    assert half_yearly.hour == {1} and half_yearly.minute == {0}
    assert schedule["recount-catch-up"]["task"] == "coverage.tasks.recount_catch_up"
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai" and settings.CELERY_TASK_ACKS_LATE


def test_services_find_the_tasks_by_name():
    # CoverageConfig.ready() imported coverage.tasks: the registry knows them
    # in every process, so services never import the tasks module.
    names = {RECOUNT_TASK, SCAN_TASK, *(entry["task"] for entry in app.conf.beat_schedule.values())}
    assert names <= set(app.tasks)
    # shared_task hands out proxies of the registered tasks.
    assert app.tasks[RECOUNT_TASK] is tasks.recount._get_current_object()
    assert app.tasks[SCAN_TASK] is tasks.warning_scan._get_current_object()


def test_every_task_has_a_time_limit_below_the_stale_run_guard():
    names = [name for name in app.tasks if name.startswith("coverage.")]
    assert len(names) == 8
    for name in names:
        task = app.tasks[name]
        assert 0 < task.soft_time_limit < task.time_limit < STALE_AFTER.total_seconds(), name


def test_the_broker_never_hands_a_running_task_to_a_second_worker(settings):
    # Redis redelivers a message not acknowledged within the visibility timeout:
    # every limited task of the project must be killed before that.
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    limited = [task for name, task in app.tasks.items() if not name.startswith("celery.") and task.time_limit]
    assert len(limited) >= 10
    assert max(task.time_limit for task in limited) < timeout
    # The recount's own limit is a small multiple of its measured minute or two at a million rows.
    assert tasks.recount.time_limit <= 15 * 60


@pytest.mark.django_db
def test_every_scheduled_job_expires_and_the_database_scheduler_reads_it(settings):
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        options = entry["options"]
        # Sooner than the job comes round again (daily at most).
        assert 0 < options["expires"] == options["expire_seconds"] < 24 * 60 * 60, name
        assert ModelEntry.from_entry(name, app=app, **entry).options["expires"] == options["expire_seconds"]


@pytest.mark.django_db
def test_without_a_broker_a_queued_task_runs_in_process_at_commit(dataset, django_capture_on_commit_callbacks):
    assert app.conf.task_always_eager
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue(RECOUNT_TASK, period="2020H2")
    assert not Snapshot.objects.exists()
    for callback in callbacks:
        callback()
    assert Snapshot.objects.get(scope="city").organizations == 7


def _require_worker_services() -> None:
    broker = os.environ.get("CELERY_BROKER_URL", "")
    vendor = connection.vendor
    if not broker or vendor != "postgresql":
        message = f"needs CELERY_BROKER_URL and PostgreSQL (broker={broker!r}, database={vendor})"
        if os.environ.get("REQUIRE_CELERY_WORKER") == "1":
            pytest.fail(message)
        pytest.skip(message)


@contextlib.contextmanager
def _worker(queue: str | None = None, **extra_env: str):
    """A `celery worker` process on the configured broker and this test's
    PostgreSQL database, consuming a queue of its own (also its default queue,
    for what it queues itself); yields the queue."""
    db = connection.settings_dict
    worker_db_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    queue = queue or f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": worker_db_url,
        "DJANGO_SETTINGS_MODULE": "xian_partybuild.settings.test",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        **extra_env,
    }
    command = [sys.executable, "-m", "celery", "-A", "xian_partybuild", "worker", "--pool=solo", "-Q", queue]
    command += ["--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield queue, worker
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        print(output[-3000:])


def _wait_for(condition, worker, *, seconds: int, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        assert worker.poll() is None, worker.stdout.read()
        time.sleep(0.5)
    assert condition(), f"the worker did not {what} in {seconds} s"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_recount(dataset):
    """A `celery worker` process on the configured broker and this test's
    PostgreSQL database executes the task and the snapshot appears."""
    _require_worker_services()
    with _worker() as (queue, worker):
        result = tasks.recount.apply_async(args=["2020H2"], queue=queue)
        _wait_for(lambda: Snapshot.objects.filter(scope="city").exists(), worker, seconds=90, what="write the snapshot")
        city = Snapshot.objects.get(scope="city")
        assert (city.organizations, city.org_covered, city.work_covered) == (7, 3, 4)
        assert RecountRun.objects.get().status == RecountRun.Status.SUCCEEDED
        assert result.id


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_page_kept_before_a_workers_recount_shows_its_figures_after(dataset, login, staff_user):
    """The worker is another process with its own connection: its commit
    replaces the data version (ui/data_version.py), so the dashboard this
    process kept before the recount is not served after it."""
    _require_worker_services()
    client = login(staff_user)
    client.get(reverse("home"))
    before = client.get(reverse("home"))
    assert before.context.get("kept_parts") is not None, "the second visit is served from the kept parts"
    assert 'data-figure="organizations"' not in before.content.decode()
    with _worker() as (queue, worker):
        tasks.recount.apply_async(args=["2020H2"], queue=queue)
        _wait_for(
            lambda: RecountRun.objects.filter(status=RecountRun.Status.SUCCEEDED).exists(),
            worker,
            seconds=90,
            what="commit a recount",
        )
        # The worker replaces the token just after its commit, which this
        # process may see a moment before: a few seconds at most, not the
        # kept parts' ten minutes.
        _wait_for(
            lambda: 'data-figure="organizations">7<' in client.get(reverse("home")).content.decode(),
            worker,
            seconds=5,
            what="have the kept dashboard replaced",
        )


def _demo_state() -> tuple[list, list]:
    snapshots = sorted(
        Snapshot.objects.values_list(
            "period__year",
            "period__half",
            "scope_key",
            "organizations",
            "org_covered",
            "work_covered",
            "must_establish_not_established",
            "party_organizations",
        )
    )
    warnings = sorted(EarlyWarning.objects.values_list("rule", "subject_key", "opened_on", "closed_on", "status"))
    return snapshots, warnings


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@override_settings(CLOCK_TODAY="2020-12-31")
def test_on_a_real_worker_recounts_and_scans_leave_the_demo_unchanged():
    """The demo on its own day: every demo half-year recounted and the daily
    scan run twice by a real worker change no snapshot and no warning."""
    _require_worker_services()
    call_command("seed_demo")
    before = _demo_state()
    runs = RecountRun.objects.filter(status=RecountRun.Status.SUCCEEDED).count()
    with _worker(DJANGO_CLOCK_TODAY="2020-12-31") as (queue, worker):
        # One solo worker takes its queue in order: once the last recount has
        # succeeded, both scans before it have run.
        tasks.warning_scan.apply_async(queue=queue)
        for half in ("2019H1", "2019H2", "2020H1", "2020H2"):
            tasks.recount.apply_async(args=[half], queue=queue)
        tasks.warning_scan.apply_async(queue=queue)
        tasks.recount.apply_async(args=["2020H1"], queue=queue)
        done = runs + 5
        _wait_for(
            lambda: RecountRun.objects.filter(status=RecountRun.Status.SUCCEEDED).count() >= done,
            worker,
            seconds=240,
            what="finish five recounts and two scans",
        )
    assert not RecountRun.objects.filter(status=RecountRun.Status.FAILED).exists()
    assert _demo_state() == before


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@override_settings(RECOUNT_DEAD_AFTER_SECONDS=3)
def test_a_worker_killed_mid_recount_is_found_dead_and_its_half_year_recounted(dataset):
    """kill -9 of a worker while its recount waits for the period's lock: the
    run's heartbeat stops, the run is dead within seconds (not the hour of the
    old guard or the broker's redelivery), and the reaper on a restarted
    worker marks it failed and recounts the half-year."""
    _require_worker_services()
    beats = {"RECOUNT_HEARTBEAT_SECONDS": "0.5", "RECOUNT_DEAD_AFTER_SECONDS": "3"}
    period = period_get(period="2020H2")
    run = RecountRun.objects.create(period=period, status=RecountRun.Status.QUEUED)
    with _worker(**beats) as (queue, worker), transaction.atomic():
        # Hold the period's row: the recount computes, then waits here for the lock, alive.
        Period.objects.select_for_update().get(pk=period.pk)
        tasks.recount.apply_async(kwargs={"period": "2020H2", "run_id": run.pk}, queue=queue)
        _wait_for(
            lambda: RecountRun.objects.filter(pk=run.pk, status=RecountRun.Status.RUNNING).exists(),
            worker,
            seconds=60,
            what="start the recount",
        )
        first = RecountRun.objects.get(pk=run.pk).heartbeat_at
        _wait_for(lambda: RecountRun.objects.get(pk=run.pk).heartbeat_at > first, worker, seconds=20, what="beat")
        assert run not in dead_runs()
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=20)
    running = RecountRun.objects.get(pk=run.pk)
    assert running.status == RecountRun.Status.RUNNING and running.worker.startswith("celery@")
    assert not Snapshot.objects.filter(period=period).exists()
    deadline = time.monotonic() + 20
    while running not in dead_runs() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert running in dead_runs(), "the silent run was not recognised as dead"
    # Restarted: the reaper (its beat entry) finds the dead run and queues the half-year again.
    with _worker(queue, **beats) as (_, worker):
        tasks.recount_reap.apply_async(queue=queue)
        _wait_for(
            lambda: Snapshot.objects.filter(period=period, scope="city").exists(),
            worker,
            seconds=90,
            what="recount the half-year again",
        )
    running.refresh_from_db()
    assert (running.status, running.failure) == (RecountRun.Status.FAILED, RecountRun.Failure.WORKER_LOST)
    again = RecountRun.objects.get(period=period, status=RecountRun.Status.SUCCEEDED)
    assert again.pk > run.pk and again.worker.startswith("celery@")
    assert Snapshot.objects.get(period=period, scope="city").organizations == 7


@contextlib.contextmanager
def _private_redis(port: int):
    """A redis-server of this test's own on `port`, so stopping it stops no one else's broker."""
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            break
        time.sleep(0.1)
    try:
        yield server
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_broker_stopped_and_started_again(dataset):
    """A broker of the test's own (stopping it stops no one else's): while it is
    down, "recount now" fails its run at once with the reason and blocks
    nothing; started again, the worker reconnects by itself and the next press
    is recounted; stopped and started once more, the same."""
    _require_worker_services()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    broker = f"redis://127.0.0.1:{port}/0"

    def press() -> RecountRun:
        run = recount_enqueue(period="2020H2")
        run.refresh_from_db()
        return run

    def recounted(run: RecountRun):
        return lambda: RecountRun.objects.filter(pk=run.pk, status=RecountRun.Status.SUCCEEDED).exists()

    # The broker is down when the worker starts: it waits for it.
    with publishing_to(broker) as drop_pools, _worker("celery", CELERY_BROKER_URL=broker) as (_queue, worker):
        down = press()
        assert (down.status, down.failure) == (RecountRun.Status.FAILED, RecountRun.Failure.BROKER)
        for _ in range(2):  # started, stopped, started again
            with _private_redis(port):
                drop_pools()
                up = press()
                assert up.status == RecountRun.Status.QUEUED
                _wait_for(recounted(up), worker, seconds=120, what="reconnect and recount")
            drop_pools()
            down = press()
            assert down.failure == RecountRun.Failure.BROKER
    assert RecountRun.objects.filter(status=RecountRun.Status.SUCCEEDED).count() == 2
    assert Snapshot.objects.get(period__year=2020, period__half=2, scope="city").organizations == 7
