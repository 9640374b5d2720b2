"""The scan: opens and clears warnings set-based, follows records, runs as a Celery task."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from coverage import tasks
from coverage.models import EarlyWarning, RecountRun
from coverage.recount.periods import HalfYear
from coverage.recount.services import period_get
from coverage.tests.warnings.records import (
    DAY,
    TODAY,
    Rule,
    healthy_party,
    key,
    must_establish,
    secretary_vacant,
    update,
)
from coverage.warnings import scan
from coverage.warnings.scan import warning_scan
from organizations.models import Area
from organizations.tests.factories import AreaFactory
from xian_partybuild import clock

pytestmark = pytest.mark.django_db


# --- Area and supervising unit -----------------------------------------------


def test_area_is_the_registration_area_of_a_lower_area(beilin, nanyuanmen):
    community = AreaFactory(code="610103-01-01", name="保吉巷社区", parent=nanyuanmen, level=Area.Level.COMMUNITY)
    healthy_party(community, secretary="")
    healthy_party(nanyuanmen, secretary="")
    warning_scan(today=TODAY)
    assert set(EarlyWarning.objects.values_list("area", flat=True)) == {beilin.pk}


def test_open_warnings_follow_a_record_that_moves(beilin, yanta, justice, culture):
    party = healthy_party(beilin, secretary="", supervising_unit=culture)
    warning_scan(today=TODAY)
    EarlyWarning.objects.update(rectification_note="已约谈")
    update(party, area=yanta, supervising_unit=justice)
    result = warning_scan(today=TODAY + DAY)
    assert result["moved"] == 1 and result["opened"] == result["closed"] == 0
    warning = EarlyWarning.objects.get()
    assert (warning.area, warning.supervising_unit, warning.rectification_note) == (yanta, justice, "已约谈")
    update(party, supervising_unit=None)
    assert warning_scan(today=TODAY + 2 * DAY)["moved"] == 1
    assert EarlyWarning.objects.get().supervising_unit is None
    assert warning_scan(today=TODAY + 3 * DAY)["moved"] == 0


# --- Set-based ------------------------------------------------------------------


def test_scan_issues_the_same_number_of_queries_for_any_number_of_records(beilin):
    def build(n):
        for _ in range(n):
            secretary_vacant(beilin)
            must_establish(beilin)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            warning_scan(today=TODAY)
        return len(ctx.captured_queries)

    build(2)
    few = count_queries()
    build(20)
    assert count_queries() == few
    assert EarlyWarning.objects.open().count() == 2 * 22


# --- The database's own guard --------------------------------------------------


def test_database_refuses_a_second_open_warning_of_the_same_rule_and_record(beilin):
    party = healthy_party(beilin)
    fields = {
        "rule": Rule.SECRETARY_VACANT,
        "subject_key": key(party),
        "party_organization": party,
        "area": beilin,
        "opened_on": TODAY,
    }
    EarlyWarning.objects.create(**fields, status=EarlyWarning.Status.CLOSED, closed_on=TODAY)
    EarlyWarning.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        EarlyWarning.objects.create(**fields)
    # Another rule about the same record is a different warning.
    EarlyWarning.objects.create(**{**fields, "rule": Rule.NO_ACTIVITY})
    assert EarlyWarning.objects.open().count() == 2


@pytest.mark.django_db(transaction=True)
def test_overlapping_scans_do_not_collide(beilin):
    """Two scans at once (beat and a recount's trigger): the second waits for
    the first and then finds nothing to open, instead of failing on the
    partial unique index."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the lock is PostgreSQL's")
    for _ in range(50):
        healthy_party(beilin, secretary="")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def scan():
        try:
            barrier.wait()
            results.append(warning_scan(today=TODAY)["opened"])
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [0, 50] and EarlyWarning.objects.count() == 50


# --- Celery wiring -------------------------------------------------------------------


def test_task_runs_the_scan_and_is_safe_to_repeat(beilin):
    secretary_vacant(beilin)
    first = tasks.warning_scan.apply(kwargs={"today": TODAY.isoformat()}).get()
    second = tasks.warning_scan.apply(kwargs={"today": TODAY.isoformat()}).get()
    assert (first["opened"], second["opened"]) == (1, 0)
    assert tasks.warning_scan.acks_late


def _run(status: str, *, past: bool = False) -> RecountRun:
    half = HalfYear.containing(clock.today())
    if past:
        half = HalfYear.last_ended(clock.today())
    return RecountRun(status=status, period=period_get(period=half.code))


def test_only_a_successful_recount_of_the_current_half_year_queues_a_scan(
    beilin, monkeypatch, django_capture_on_commit_callbacks
):
    secretary_vacant(beilin)
    ran = []
    monkeypatch.setattr(tasks.warning_scan, "delay", lambda *a, **k: ran.append(a))
    with django_capture_on_commit_callbacks(execute=True):
        scan.warning_scan_after_recount(_run(RecountRun.Status.FAILED))
    assert ran == []
    with django_capture_on_commit_callbacks(execute=True):
        scan.warning_scan_after_recount(_run(RecountRun.Status.SUCCEEDED, past=True))
    assert ran == []  # history is recounted, warnings are not rescanned
    with django_capture_on_commit_callbacks(execute=True):
        scan.warning_scan_after_recount(_run(RecountRun.Status.SUCCEEDED))
    assert ran == [()]


def test_the_queued_scan_runs_when_the_recount_commits(beilin, django_capture_on_commit_callbacks):
    party, _clear = secretary_vacant(beilin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        scan.warning_scan_after_recount(_run(RecountRun.Status.SUCCEEDED))
    assert not EarlyWarning.objects.exists()  # nothing before the commit
    callbacks[0]()
    # The queued scan is as of the clock's today.
    warning = EarlyWarning.objects.get(rule=Rule.SECRETARY_VACANT)
    assert (warning.subject_key, warning.opened_on) == (key(party), clock.today())
