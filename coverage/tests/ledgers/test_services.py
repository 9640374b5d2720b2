import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from accounts.tests.factories import UserFactory
from coverage.ledgers import selectors
from coverage.ledgers import services as ledgers
from coverage.ledgers.selectors import Timeliness
from coverage.models import Ledger, Snapshot
from coverage.recount import services
from coverage.recount.periods import HalfYear
from organizations.tests.factories import SocialOrganizationFactory
from xian_partybuild import clock

pytestmark = pytest.mark.django_db

PERIOD = "2020H2"


@pytest.fixture
def recounted(dataset):
    services.recount_run(period=PERIOD)
    return dataset


@pytest.fixture
def nobody(db):
    return UserFactory(username="nobody", role="")


def _submitted(user, note="ok"):
    return ledgers.ledger_submit(actor=user, period=PERIOD, note=note)


def _area_row(area):
    return Snapshot.objects.get(period__year=2020, period__half=2, scope="area", area=area)


# Submit ---------------------------------------------------------------------


def test_district_official_submits_their_areas_ledger(recounted, beilin_user, beilin):
    ledger = _submitted(beilin_user, note="  全部核对  ")
    assert (ledger.area, ledger.supervising_unit, ledger.status) == (beilin, None, Ledger.Status.SUBMITTED)
    assert ledger.due_on == dt.date(2021, 1, 31)
    assert ledger.submitted_by == beilin_user and ledger.submitted_at is not None
    assert ledger.note == "全部核对"


def test_industry_committee_submits_for_its_unit(recounted, lawyers_user, justice):
    ledger = _submitted(lawyers_user)
    assert (ledger.area, ledger.supervising_unit) == (None, justice)


@pytest.mark.parametrize("who", ["staff_user", "leader_user", "nobody"])
def test_others_cannot_submit(recounted, request, who):
    with pytest.raises(PermissionDenied):
        _submitted(request.getfixturevalue(who))
    assert not Ledger.objects.exists()


def test_a_submitted_or_accepted_ledger_cannot_be_submitted_again(recounted, beilin_user, staff_user):
    ledger = _submitted(beilin_user)
    with pytest.raises(ValidationError) as excinfo:
        _submitted(beilin_user)
    assert excinfo.value.code == "status"
    ledgers.ledger_accept(actor=staff_user, ledger=ledger)
    with pytest.raises(ValidationError):
        _submitted(beilin_user)


def test_a_returned_ledger_can_be_resubmitted(recounted, beilin_user, staff_user):
    ledger = _submitted(beilin_user)
    ledgers.ledger_return(actor=staff_user, ledger=ledger, reason="缺少注销组织")
    again = _submitted(beilin_user, note="已补")
    assert again.pk == ledger.pk and again.status == Ledger.Status.SUBMITTED and again.note == "已补"


@override_settings(CLOCK_TODAY="2020-12-30")
def test_a_half_year_still_running_cannot_be_submitted(beilin_user):
    with pytest.raises(ValidationError) as excinfo:
        ledgers.ledger_submit(actor=beilin_user, period="2020H2", note="")
    assert excinfo.value.code == "period_open"


@override_settings(CLOCK_TODAY="2020-12-31")
def test_a_half_year_is_due_on_its_last_day(recounted, beilin_user):
    # The forms offer 2020H2 on the demo's day; following them succeeds.
    assert _submitted(beilin_user).status == Ledger.Status.SUBMITTED


def test_a_due_date_already_set_is_kept(recounted, beilin, beilin_user):
    period = services.period_get(period=PERIOD)
    Ledger.objects.create(period=period, area=beilin, due_on=dt.date(2021, 3, 1))
    assert _submitted(beilin_user).due_on == dt.date(2021, 3, 1)


def test_on_time_and_late(recounted, beilin, yanta, beilin_user, yanta_user):
    period = services.period_get(period=PERIOD)
    Ledger.objects.create(period=period, area=yanta, due_on=clock.today() + dt.timedelta(days=1))
    assert _submitted(beilin_user).on_time is False  # due 2021-01-31, submitted today
    assert _submitted(yanta_user).on_time is True


# Accept, return, reopen -------------------------------------------------------


@pytest.mark.parametrize("who", ["beilin_user", "lawyers_user", "leader_user", "nobody"])
def test_only_city_staff_review(recounted, request, beilin_user, who):
    ledger = _submitted(beilin_user)
    actor = request.getfixturevalue(who)
    for review in (
        lambda: ledgers.ledger_accept(actor=actor, ledger=ledger),
        lambda: ledgers.ledger_return(actor=actor, ledger=ledger, reason="x"),
    ):
        with pytest.raises(PermissionDenied):
            review()
    ledger.refresh_from_db()
    assert ledger.status == Ledger.Status.SUBMITTED
    Ledger.objects.filter(pk=ledger.pk).update(status=Ledger.Status.ACCEPTED)
    with pytest.raises(PermissionDenied):
        ledgers.ledger_reopen(actor=actor, ledger=ledger)


@pytest.mark.parametrize("status", [Ledger.Status.DRAFT, Ledger.Status.RETURNED, Ledger.Status.ACCEPTED])
def test_accept_and_return_only_from_submitted(recounted, beilin, staff_user, status):
    period = services.period_get(period=PERIOD)
    ledger = Ledger.objects.create(
        period=period, area=beilin, due_on=dt.date(2021, 1, 31), status=status, return_reason="r"
    )
    for review in (
        lambda: ledgers.ledger_accept(actor=staff_user, ledger=ledger),
        lambda: ledgers.ledger_return(actor=staff_user, ledger=ledger, reason="x"),
    ):
        with pytest.raises(ValidationError) as excinfo:
            review()
        assert excinfo.value.code == "status"


@pytest.mark.parametrize("status", [Ledger.Status.DRAFT, Ledger.Status.SUBMITTED, Ledger.Status.RETURNED])
def test_reopen_only_from_accepted(recounted, beilin, staff_user, status):
    period = services.period_get(period=PERIOD)
    ledger = Ledger.objects.create(
        period=period, area=beilin, due_on=dt.date(2021, 1, 31), status=status, return_reason="r"
    )
    with pytest.raises(ValidationError):
        ledgers.ledger_reopen(actor=staff_user, ledger=ledger)


def test_accept_records_the_reviewer_and_freezes_the_districts_rows(recounted, beilin, beilin_user, staff_user):
    ledger = ledgers.ledger_accept(actor=staff_user, ledger=_submitted(beilin_user))
    assert ledger.status == Ledger.Status.ACCEPTED
    assert ledger.reviewed_by == staff_user and ledger.reviewed_at is not None
    frozen = set(Snapshot.objects.filter(frozen=True).values_list("scope", "scope_key"))
    # The area row, the district's responsible-body row and its rows by sub-district (its
    # organisations here record none: 未填街道); not the city's, nor 雁塔区's by sub-district.
    assert frozen == {("area", "610103"), ("responsible", "area:610103"), ("subdistrict", "610103:none")}


def test_accepting_a_unit_ledger_freezes_its_unit_and_responsible_rows(recounted, justice, lawyers_user, staff_user):
    ledgers.ledger_accept(actor=staff_user, ledger=_submitted(lawyers_user))
    frozen = set(Snapshot.objects.filter(frozen=True).values_list("scope", "scope_key"))
    # Its rows by district too (G is in 雁塔区), so the breakdown stays the one it signed off.
    assert frozen == {
        ("unit", str(justice.pk)),
        ("responsible", f"unit:{justice.pk}"),
        ("unit_area", f"{justice.pk}:610113"),
    }


def test_accept_needs_recounted_figures(dataset, beilin_user, staff_user):
    ledger = _submitted(beilin_user)
    with pytest.raises(ValidationError) as excinfo:
        ledgers.ledger_accept(actor=staff_user, ledger=ledger)
    assert excinfo.value.code == "no_snapshot"
    ledger.refresh_from_db()
    assert ledger.status == Ledger.Status.SUBMITTED


def test_return_needs_a_reason(recounted, beilin_user, staff_user):
    ledger = _submitted(beilin_user)
    with pytest.raises(ValidationError):
        ledgers.ledger_return(actor=staff_user, ledger=ledger, reason="   ")
    returned = ledgers.ledger_return(actor=staff_user, ledger=ledger, reason="  H 协会注销日期有误 ")
    assert (returned.status, returned.return_reason, returned.reviewed_by) == (
        Ledger.Status.RETURNED,
        "H 协会注销日期有误",
        staff_user,
    )


def test_reopen_with_a_reason_returns_without_one_goes_back_to_draft(recounted, beilin_user, yanta_user, staff_user):
    a = ledgers.ledger_accept(actor=staff_user, ledger=_submitted(beilin_user))
    b = ledgers.ledger_accept(actor=staff_user, ledger=_submitted(yanta_user))
    a = ledgers.ledger_reopen(actor=staff_user, ledger=a, reason="数据更正")
    b = ledgers.ledger_reopen(actor=staff_user, ledger=b)
    assert (a.status, a.return_reason) == (Ledger.Status.RETURNED, "数据更正")
    assert (b.status, b.return_reason) == (Ledger.Status.DRAFT, "")
    assert not Snapshot.objects.filter(frozen=True).exists()


def test_accept_keeps_figures_through_a_recount_and_reopen_refreshes_them(recounted, beilin, beilin_user, staff_user):
    before = _area_row(beilin)
    assert before.organizations == 6
    ledger = ledgers.ledger_accept(actor=staff_user, ledger=_submitted(beilin_user))

    # The records change after acceptance: a new organisation in Beilin, and
    # E gets a branch-sized membership (must establish, not established).
    SocialOrganizationFactory(area=beilin, registered_on=dt.date(2020, 8, 1))
    recounted.e.formal_party_members = 4
    recounted.e.save()
    run = services.recount_run(period=PERIOD)
    # the area row, its responsible-body row and its row by sub-district (none recorded: 未填街道)
    assert run.frozen_kept == 3
    kept = _area_row(beilin)
    assert (kept.organizations, kept.must_establish_not_established, kept.computed_at) == (
        6,
        before.must_establish_not_established,
        before.computed_at,
    )
    # Everything not frozen follows the records.
    city = Snapshot.objects.get(period__year=2020, period__half=2, scope="city")
    assert city.organizations == 8

    ledgers.ledger_reopen(actor=staff_user, ledger=ledger)
    run = services.recount_run(period=PERIOD)
    assert run.frozen_kept == 0
    refreshed = _area_row(beilin)
    assert refreshed.organizations == 7
    assert refreshed.must_establish_not_established == before.must_establish_not_established + 1
    assert refreshed.frozen is False


# Reporting --------------------------------------------------------------------


def _report(user):
    period = services.period_get(period=PERIOD)
    return {row.key: row for row in selectors.ledger_report_rows(period=period, user=user)}


def test_report_lists_areas_and_committees_without_ledgers_as_not_submitted(
    recounted, beilin_user, staff_user, leader_user, justice, culture
):
    _submitted(beilin_user)
    for user in (staff_user, leader_user):
        rows = _report(user)
        # The city owes no ledger; culture has no industry committee.
        assert list(rows) == ["610103", "610113", f"unit:{justice.pk}"]
        assert rows["610103"].status == Ledger.Status.SUBMITTED
        assert rows["610103"].timeliness == Timeliness.LATE
        assert rows["610113"].ledger is None and rows["610113"].status == Ledger.Status.DRAFT
        assert rows["610113"].timeliness == Timeliness.OVERDUE
        assert rows[f"unit:{justice.pk}"].label == "西安市律师行业党委"


def test_report_is_scoped(recounted, beilin_user, yanta_user, lawyers_user, justice, nobody):
    _submitted(yanta_user)
    assert list(_report(beilin_user)) == ["610103"]
    assert list(_report(yanta_user)) == ["610113"]
    assert list(_report(lawyers_user)) == [f"unit:{justice.pk}"]
    assert _report(nobody) == {}


def test_report_pending_before_the_due_date(beilin, beilin_user):
    half = HalfYear.last_ended(clock.today())
    period = services.period_get(period=half)
    row = selectors.ledger_report_rows(period=period, user=beilin_user)[0]
    expected = Timeliness.PENDING if clock.today() <= period.end + ledgers.DUE_AFTER else Timeliness.OVERDUE
    assert row.timeliness == expected


def test_period_choices_are_the_recounted_half_years_that_have_ended(recounted):
    # The half-year last ended (by the real date) has no recount: not offered.
    assert selectors.ledger_period_choices() == [PERIOD]
    assert selectors.ledger_period_default(None).code == PERIOD
    assert selectors.ledger_period_default("nonsense").code == PERIOD
