import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from coverage.models import Period, RecountRun, Snapshot
from coverage.recount import compute, services
from organizations.tests.factories import SocialOrganizationFactory
from xian_partybuild import clock

pytestmark = pytest.mark.django_db

FIGURES = (
    "organizations",
    "org_covered",
    "work_covered",
    "must_establish",
    "must_establish_not_established",
    "formal_party_members",
    "instructors",
    "party_organizations",
    "party_branches",
    "party_standalone",
    "party_joint",
)


def _row(period, scope, key):
    return Snapshot.objects.get(period__year=int(period[:4]), period__half=int(period[-1]), scope=scope, scope_key=key)


def _figures(snapshot):
    return tuple(getattr(snapshot, f) for f in FIGURES)


def test_recount_2020h2_exact_figures(dataset, justice, culture):
    run = services.recount_run(period="2020H2")
    assert run.status == RecountRun.Status.SUCCEEDED
    # H is deregistered (2020-03-01); P_F was dissolved (2020-01-01); E's
    # instructor left on 2020-06-30. See conftest.dataset.
    city = _row("2020H2", "city", "city")
    assert _figures(city) == (7, 3, 4, 3, 2, 15, 1, 3, 3, 2, 1)
    assert city.org_coverage_rate == Decimal("0.4286") and city.work_coverage_rate == Decimal("0.5714")
    beilin = _row("2020H2", "area", "610103")
    assert _figures(beilin)[:7] == (6, 3, 4, 2, 1, 12, 1)
    assert beilin.party_organizations == 3
    yanta = _row("2020H2", "area", "610113")
    assert _figures(yanta)[:6] == (1, 0, 0, 1, 1, 3)
    assert _row("2020H2", "unit", str(culture.pk)).org_covered == 2
    assert _row("2020H2", "unit", "none").organizations == 4
    lawyers = _row("2020H2", "responsible", f"unit:{justice.pk}")
    assert (lawyers.label, lawyers.organizations, lawyers.supervising_unit_id) == ("西安市律师行业党委", 1, justice.pk)
    assert _row("2020H2", "category", "social_group").organizations == 4  # A, B, E, F
    assert _row("2020H2", "category", "law_firm").must_establish_not_established == 1


def test_recount_counts_as_the_half_year_stood(dataset):
    services.recount_run(period="2019H2")
    services.recount_run(period="2020H1")
    # 2019-12-31: H still registered and covered, F's branch not yet dissolved,
    # D's instructor not yet started, E's still there.
    assert _figures(_row("2019H2", "city", "city"))[:3] == (8, 5, 6)
    # 2020-06-30: E's instructor still counts on the last day.
    assert _figures(_row("2020H1", "city", "city"))[:3] == (7, 3, 5)


def test_recount_is_idempotent(dataset):
    services.recount_run(period="2020H2")
    first = sorted((s.scope, s.scope_key, _figures(s)) for s in Snapshot.objects.all())
    services.recount_run(period="2020H2")
    second = sorted((s.scope, s.scope_key, _figures(s)) for s in Snapshot.objects.all())
    assert first == second
    assert Period.objects.count() == 1 and RecountRun.objects.filter(status="succeeded").count() == 2


def test_recount_is_a_handful_of_queries(dataset, django_assert_max_num_queries):
    services.recount_run(period="2020H2")
    # period, stale-run sweep, run insert, areas, units, 4 grouped reads, lock,
    # frozen keys, delete, insert, period update, run update (+ savepoints);
    # the change counts stored with the snapshots: areas, units, 3 grouped
    # reads, the snapshot rows, one update.
    with django_assert_max_num_queries(31):
        services.recount_run(period="2020H2")


def test_a_second_run_cannot_start_while_one_runs(dataset):
    period = services.period_get(period="2020H2")
    RecountRun.objects.create(period=period, status=RecountRun.Status.RUNNING)
    with pytest.raises(services.RecountAlreadyRunning):
        services.recount_run(period="2020H2")
    assert not Snapshot.objects.exists()


def test_a_stale_running_run_does_not_block_forever(dataset):
    period = services.period_get(period="2020H2")
    stale = RecountRun.objects.create(period=period, status=RecountRun.Status.RUNNING)
    RecountRun.objects.filter(pk=stale.pk).update(started_at=clock.now() - dt.timedelta(hours=2))
    services.recount_run(period="2020H2")
    stale.refresh_from_db()
    assert stale.status == RecountRun.Status.FAILED


def test_the_database_refuses_two_running_runs(dataset):
    period = services.period_get(period="2020H2")
    RecountRun.objects.create(period=period, status=RecountRun.Status.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        RecountRun.objects.create(period=period, status=RecountRun.Status.RUNNING)


def test_a_crashed_recount_leaves_the_last_good_figures(dataset, monkeypatch):
    services.recount_run(period="2020H2")
    before = sorted((s.scope, s.scope_key, _figures(s)) for s in Snapshot.objects.all())

    def explode(on):
        raise RuntimeError("database went away")

    monkeypatch.setattr(compute, "compute", explode)
    with pytest.raises(RuntimeError):
        services.recount_run(period="2020H2")
    assert sorted((s.scope, s.scope_key, _figures(s)) for s in Snapshot.objects.all()) == before
    failed = RecountRun.objects.get(status=RecountRun.Status.FAILED)
    assert "database went away" in failed.error


def test_frozen_rows_survive_a_recount(dataset, beilin):
    services.recount_run(period="2020H2")
    row = _row("2020H2", "area", "610103")
    Snapshot.objects.filter(pk=row.pk).update(frozen=True, organizations=6, org_covered=3)
    dataset.e.formal_party_members = 0
    dataset.e.name = "E 改名"
    dataset.e.save()

    SocialOrganizationFactory(area=beilin)  # a new organisation after acceptance
    run = services.recount_run(period="2020H2")
    assert run.frozen_kept == 1
    assert _row("2020H2", "area", "610103").organizations == 6
    assert _row("2020H2", "city", "city").organizations == 8


def test_catch_up_runs_the_missing_recount_once(dataset):
    assert services.recount_missing(today=dt.date(2021, 1, 5)) == ["2020H2"]
    assert services.recount_missing(today=dt.date(2021, 1, 6)) == []
    assert Snapshot.objects.filter(period__year=2020, period__half=2).exists()


def test_enqueue_runs_the_task_after_commit(dataset, staff_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.recount_enqueue(period="2020H2", actor=staff_user)
    run.refresh_from_db()
    assert run.status == RecountRun.Status.SUCCEEDED and run.triggered_by == staff_user
    assert _row("2020H2", "city", "city").organizations == 7
