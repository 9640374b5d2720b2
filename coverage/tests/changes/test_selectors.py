"""The change lists: what they hold, and that they reconcile with the snapshots."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import BooleanField, ExpressionWrapper

from coverage.changes import selectors
from coverage.changes.selectors import Kind, change_counts, change_rows, change_summary, change_window
from coverage.models import Snapshot
from coverage.recount.periods import HalfYear
from organizations.models import SocialOrganization
from organizations.selectors import organization_active_on, organization_rows
from political.indicators import conditions as indicator_conditions

pytestmark = pytest.mark.django_db

# Figure -> (gained, lost): previous snapshot + gained − lost = current snapshot.
# Every group but the instructors' (assignments current on a day are not their start and end dates).
RECONCILED = {
    group.figure: (group.gained, group.lost) for group in selectors.GROUPS if group.figure != "instructor_assignments"
}


def names(user, period, kind, **scope) -> set[str]:
    rows = change_rows(user, change_window(period), kind, **scope)
    return {str(row.person_name if kind in selectors.INSTRUCTOR_KINDS else row.name) for row in rows}


EXPECTED_2020H2 = {
    Kind.REGISTERED: {"N1 协会", "N2 律师事务所", "N3 协会（当年注销）"},
    Kind.DEREGISTERED: {"N3 协会（当年注销）", "L 律师事务所（注销）"},
    Kind.ORG_COVERED_GAINED: {"N2 律师事务所", "G 律师事务所"},
    Kind.ORG_COVERED_LOST: {"L 律师事务所（注销）", "B 协会", "C 服务中心"},
    Kind.WORK_COVERED_GAINED: {"N2 律师事务所", "G 律师事务所"},
    Kind.WORK_COVERED_LOST: {"L 律师事务所（注销）", "B 协会", "D 基金会", "E 协会"},
    Kind.UNESTABLISHED_GAINED: {"N1 协会"},
    Kind.UNESTABLISHED_CLEARED: {"G 律师事务所"},
    Kind.PARTY_ESTABLISHED: {"N2 律师事务所党支部", "G 律师事务所党支部"},
    Kind.PARTY_DISSOLVED: {"B、C 联合党支部"},
    Kind.CHARTER_GAINED: {"N1 协会"},
    Kind.CHARTER_LOST: {"L 律师事务所（注销）"},
    Kind.CROSS_APPOINTED_GAINED: {"G 律师事务所"},
    Kind.CROSS_APPOINTED_LOST: {"L 律师事务所（注销）"},
    Kind.CONSULTATION_GAINED: {"G 律师事务所"},
}

EXPECTED_2020H1 = {
    Kind.DEREGISTERED: {"H 协会（已注销）"},
    Kind.ORG_COVERED_LOST: {"H 协会（已注销）"},
    Kind.WORK_COVERED_GAINED: {"D 基金会"},
    Kind.WORK_COVERED_LOST: {"H 协会（已注销）"},
    Kind.PARTY_ESTABLISHED: {"F 协会新党支部"},
    Kind.PARTY_DISSOLVED: {"F 协会党支部（已撤销）"},
    Kind.CHARTER_GAINED: {"A 协会"},
    Kind.SECRETARY_MEETINGS_GAINED: {"B 协会"},
    Kind.SECRETARY_MEETINGS_LOST: {"H 协会（已注销）"},
}


@pytest.mark.parametrize(("period", "expected"), [("2020H2", EXPECTED_2020H2), ("2020H1", EXPECTED_2020H1)])
def test_the_lists_hold_what_changed_by_hand(changed, staff_user, period, expected):
    for kind in Kind:
        if kind in selectors.INSTRUCTOR_KINDS:
            continue
        assert names(staff_user, period, kind) == expected.get(kind, set()), kind


def test_instructors_started_and_left_by_their_dates(changed, staff_user):
    window = change_window("2020H2")
    started = change_rows(staff_user, window, Kind.INSTRUCTOR_STARTED)
    ended = change_rows(staff_user, window, Kind.INSTRUCTOR_ENDED)
    assert {a.pk for a in started} == {changed.c_instructor.pk}
    # A's instructor left on the last day: listed, though A is counted as covered that day.
    assert {a.pk for a in ended} == {changed.d_instructor.pk, changed.a_instructor.pk}
    window = change_window("2020H1")
    # E's instructor left on 30 June: its end is 2020H1's, E's lost work coverage 2020H2's.
    assert [a.organization.name for a in change_rows(staff_user, window, Kind.INSTRUCTOR_ENDED)] == ["E 协会"]
    assert [a.organization.name for a in change_rows(staff_user, window, Kind.INSTRUCTOR_STARTED)] == ["D 基金会"]


def _states(on: dt.date) -> dict[int, dict[str, bool]]:
    """Each organisation's figures on a day, row by row (the slow way, for comparison)."""
    rows = organization_rows(on=on).annotate(
        active=ExpressionWrapper(organization_active_on(on), BooleanField()),
        **{name: ExpressionWrapper(held, BooleanField()) for name, held in indicator_conditions(on).items()},
    )
    return {row.pk: {figure: row.active and getattr(row, figure) for figure in selectors.STATE_FIGURES} for row in rows}


@pytest.mark.parametrize("period", ["2020H1", "2020H2"])
def test_the_sets_equal_a_row_by_row_comparison(changed, staff_user, period):
    """The narrowing to organisations with a date between the two days drops no change."""
    window = change_window(period)
    before, after = _states(window.since), _states(window.until)
    for figure, (gained, lost) in selectors.STATE_FIGURES.items():
        expected_gained = {pk for pk in after if after[pk][figure] and not before[pk][figure]}
        expected_lost = {pk for pk in after if before[pk][figure] and not after[pk][figure]}
        assert {o.pk for o in change_rows(staff_user, window, gained)} == expected_gained, figure
        assert {o.pk for o in change_rows(staff_user, window, lost)} == expected_lost, figure


def _snapshot(period: str, scope: str, **owner) -> Snapshot:
    half = HalfYear.parse(period)
    return Snapshot.objects.get(period__year=half.year, period__half=half.half, scope=scope, **owner)


def _assert_reconciles(counts: dict[Kind, int], previous: Snapshot, current: Snapshot, label: str) -> None:
    for figure, (gained, lost) in RECONCILED.items():
        assert getattr(previous, figure) + counts[gained] - counts[lost] == getattr(current, figure), (label, figure)


@pytest.mark.parametrize("period", ["2020H1", "2020H2"])
def test_previous_plus_changes_is_current_in_every_scope(changed, staff_user, beilin, yanta, justice, period):
    """The issue's done-criterion: for the city, every district and the law-firm
    unit, previous snapshot + gained − lost = current snapshot, for organisations,
    both coverages, 应建未建 and party organisations."""
    window = change_window(period)
    previous = window.previous.code
    S = Snapshot.Scope
    scopes = {
        "city": ({}, {"scope": S.CITY}),
        "碑林区": ({"area": beilin}, {"scope": S.AREA, "area": beilin}),
        "雁塔区": ({"area": yanta}, {"scope": S.AREA, "area": yanta}),
        "律师行业": ({"unit": justice}, {"scope": S.SUPERVISING_UNIT, "supervising_unit": justice}),
    }
    for label, (scope, snapshot) in scopes.items():
        counts = change_counts(staff_user, window, **scope)
        _assert_reconciles(counts, _snapshot(previous, **snapshot), _snapshot(period, **snapshot), label)
    # Every registration area the recount made a row for is one of these.
    assert set(Snapshot.objects.filter(scope=S.AREA).values_list("area__code", flat=True)) >= {"610103", "610113"}


@pytest.mark.parametrize("period", ["2020H1", "2020H2"])
def test_each_users_own_scope_reconciles_with_their_snapshot(
    changed, beilin_user, yanta_user, lawyers_user, beilin, yanta, justice, period
):
    window = change_window(period)
    S = Snapshot.Scope
    for user, snapshot in (
        (beilin_user, {"scope": S.AREA, "area": beilin}),
        (yanta_user, {"scope": S.AREA, "area": yanta}),
        (lawyers_user, {"scope": S.SUPERVISING_UNIT, "supervising_unit": justice}),
    ):
        counts = change_counts(user, window)
        _assert_reconciles(
            counts, _snapshot(window.previous.code, **snapshot), _snapshot(period, **snapshot), user.username
        )


def test_the_changes_are_not_empty_where_they_reconcile(changed, staff_user, justice):
    """The reconciliation above is not trivially 0 = 0 for the law-firm unit."""
    counts = change_counts(staff_user, change_window("2020H2"), unit=justice)
    assert counts[Kind.REGISTERED] == 1 and counts[Kind.DEREGISTERED] == 1
    assert counts[Kind.ORG_COVERED_GAINED] == 2 and counts[Kind.ORG_COVERED_LOST] == 1
    assert counts[Kind.UNESTABLISHED_CLEARED] == 1
    assert counts[Kind.PARTY_ESTABLISHED] == 2


def test_counts_equal_the_lists(changed, staff_user, beilin):
    window = change_window("2020H2")
    for scope in ({}, {"area": beilin}):
        counts = change_counts(staff_user, window, **scope)
        for kind in Kind:
            assert counts[kind] == change_rows(staff_user, window, kind, **scope).count(), kind


def test_counts_are_three_queries(changed, staff_user, django_assert_num_queries):
    with django_assert_num_queries(3):
        change_counts(staff_user, change_window("2020H2"))


def test_a_district_official_counts_only_their_district(changed, beilin_user, yanta_user):
    window = change_window("2020H2")
    assert names(beilin_user, "2020H2", Kind.REGISTERED) == {"N1 协会", "N3 协会（当年注销）"}
    assert names(yanta_user, "2020H2", Kind.REGISTERED) == {"N2 律师事务所"}
    assert names(yanta_user, "2020H2", Kind.ORG_COVERED_LOST) == set()
    assert change_counts(yanta_user, window)[Kind.PARTY_DISSOLVED] == 0
    assert not change_rows(yanta_user, window, Kind.INSTRUCTOR_ENDED).exists()


def test_the_lawyers_see_law_firms_of_any_district_and_nothing_else(changed, lawyers_user, beilin):
    assert names(lawyers_user, "2020H2", Kind.REGISTERED) == {"N2 律师事务所"}
    assert names(lawyers_user, "2020H2", Kind.DEREGISTERED) == {"L 律师事务所（注销）"}
    # Narrowed to 碑林区 they still see only their own industry there.
    assert names(lawyers_user, "2020H2", Kind.ORG_COVERED_LOST, area=beilin) == {"L 律师事务所（注销）"}


def test_a_user_without_a_role_sees_no_change(changed, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x")
    assert set(change_counts(nobody, change_window("2020H2")).values()) == {0}


# --------------------------------------------------------------------------
# The dashboard's Δ
# --------------------------------------------------------------------------


def test_change_summary_gives_counts_and_net_changes(changed, staff_user, beilin_user):
    summary = change_summary(staff_user, "2020H2")
    assert summary["period"] == "2020H2" and summary["previous_period"] == "2020H1"
    assert (summary["since"], summary["until"]) == (dt.date(2020, 6, 30), dt.date(2020, 12, 31))
    assert summary["counts"]["registered"] == 3 and summary["counts"]["deregistered"] == 2
    assert summary["delta"] == {
        "organizations": 1,
        "org_covered": -1,
        "work_covered": -2,
        "must_establish_not_established": 0,
        "party_organizations": 1,
        "instructor_assignments": -1,
        # N1's charter in, L's out; G's cross-appointment in, L's out; G's consultation in.
        "charter": 0,
        "cross_appointed": 0,
        "secretary_meetings": 0,
        "consultation": 1,
    }
    assert change_summary(beilin_user, "2020H2")["delta"]["organizations"] == 0


@pytest.mark.parametrize("user", ["staff_user", "beilin_user", "yanta_user", "lawyers_user"])
def test_change_summary_takes_a_period_and_matches_the_snapshot_difference(request, changed, user):
    user = request.getfixturevalue(user)
    current = Snapshot.objects.for_user(user).filter(period__year=2020, period__half=2)
    previous = Snapshot.objects.for_user(user).filter(period__year=2020, period__half=1)
    scope = Snapshot.Scope.CITY if user.is_citywide else Snapshot.Scope.AREA
    if user.role == user.Role.INDUSTRY:
        scope = Snapshot.Scope.SUPERVISING_UNIT
    current, previous = current.get(scope=scope), previous.get(scope=scope)
    summary = change_summary(user, current.period)
    for figure in RECONCILED:
        assert summary["delta"][figure] == getattr(current, figure) - getattr(previous, figure), figure
    rates = selectors.coverage_rate_changes(current, summary["delta"])
    assert rates["org_coverage_rate"] == current.org_coverage_rate - previous.org_coverage_rate
    assert rates["work_coverage_rate"] == current.work_coverage_rate - previous.work_coverage_rate


def test_coverage_rate_changes_from_a_mapping():
    current = {"organizations": 10, "org_covered": 6, "work_covered": 10}
    delta = {"organizations": 2, "org_covered": 3, "work_covered": 2}
    # 3/8 → 6/10: +22.5 points; 8/8 → 10/10: no change.
    assert selectors.coverage_rate_changes(current, delta) == {
        "org_coverage_rate": Decimal("0.2250"),
        "work_coverage_rate": Decimal("0"),
    }
    empty = {"organizations": 0, "org_covered": 0, "work_covered": 0}
    assert selectors.coverage_rate_changes(empty, {"organizations": -1, "org_covered": 0, "work_covered": 0}) == {
        "org_coverage_rate": None,
        "work_coverage_rate": None,
    }


# --------------------------------------------------------------------------
# Half-years
# --------------------------------------------------------------------------


def test_the_window_is_the_two_last_days():
    window = change_window("2021H1")
    assert (window.since, window.until, window.previous.code) == (dt.date(2020, 12, 31), dt.date(2021, 6, 30), "2020H2")


def test_the_default_half_year_is_the_latest_recounted_and_never_a_future_one(recounted, settings):
    settings.CLOCK_TODAY = dt.date(2020, 12, 31)
    assert selectors.half_year_or_default(None).code == "2020H2"
    assert selectors.half_year_or_default("2019H1").code == "2019H1"
    assert selectors.half_year_or_default("2021H1").code == "2020H2"
    assert selectors.half_year_or_default("nonsense").code == "2020H2"


def test_without_snapshots_the_default_is_the_last_half_year_ended(db, settings):
    settings.CLOCK_TODAY = dt.date(2021, 3, 1)
    assert selectors.half_year_or_default(None).code == "2020H2"


def test_deregistered_organisations_are_never_counted_as_gaining(changed, staff_user):
    window = change_window("2020H2")
    gained = change_rows(staff_user, window, Kind.ORG_COVERED_GAINED)
    assert not gained.filter(status=SocialOrganization.Status.DEREGISTERED).exists()
