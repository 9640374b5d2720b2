"""The early-warning scan and rectification (防瘫预警, 整改)."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coverage import early_warning, tasks
from coverage.early_warning import warning_rectify, warning_scan
from coverage.models import EarlyWarning, RecountRun
from organizations.models import Area, PartyOrganization, SocialOrganization
from organizations.tests.factories import AreaFactory, PartyOrganizationFactory, SocialOrganizationFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2021, 1, 15)
DAY = dt.timedelta(days=1)
Rule = EarlyWarning.Rule


def healthy_org(area, **fields) -> SocialOrganization:
    """An active organisation no rule holds for: no must-establish, contact recorded."""
    values = {"registered_on": TODAY - dt.timedelta(days=400), "setup_contact": "王联络", **fields}
    return SocialOrganizationFactory(area=area, **values)


def healthy_party(area, *, organizations=None, **fields) -> PartyOrganization:
    """An active standalone branch no rule holds for."""
    if organizations is None:
        organizations = [healthy_org(area)]
    values = {
        "area": area,
        "secretary": "张书记",
        "established_on": TODAY - dt.timedelta(days=400),
        "term_due_on": TODAY + dt.timedelta(days=700),
        "last_activity_on": TODAY - dt.timedelta(days=30),
        "member_count": 5,
        **fields,
    }
    return PartyOrganizationFactory(organizations=organizations, **values)


def open_warnings() -> set[tuple[str, str]]:
    return set(EarlyWarning.objects.open().values_list("rule", "subject_key"))


def key(record) -> str:
    prefix = "party" if isinstance(record, PartyOrganization) else "org"
    return f"{prefix}:{record.pk}"


def update(record, **fields) -> None:
    type(record).objects.filter(pk=record.pk).update(**fields)


# Each case: the rule, a record for which only that rule holds, and the
# change to the records that makes it stop holding.
def _no_activity(area):
    party = healthy_party(area, last_activity_on=None)
    return party, lambda: update(party, last_activity_on=TODAY - 10 * DAY)


def _secretary_vacant(area):
    party = healthy_party(area, secretary="  ")
    return party, lambda: update(party, secretary="李书记")


def _term_overdue(area):
    party = healthy_party(area, term_due_on=TODAY - DAY)
    return party, lambda: update(party, term_due_on=TODAY + dt.timedelta(days=3 * 365))


def _too_few_members(area):
    party = healthy_party(area, member_count=2)
    return party, lambda: update(party, member_count=3)


def _deregistered_active(area):
    gone = healthy_org(area, status=SocialOrganization.Status.DEREGISTERED, deregistered_on=TODAY - 30 * DAY)
    party = healthy_party(area, organizations=[gone])
    return party, lambda: update(party, status=PartyOrganization.Status.DISSOLVED, dissolved_on=TODAY - DAY)


def _must_establish(area):
    org = healthy_org(area, formal_party_members=3, registered_on=TODAY - 91 * DAY)
    return org, lambda: healthy_party(area, organizations=[org])


def _no_setup_contact(area):
    org = healthy_org(area, registered_on=TODAY - 30 * DAY, setup_contact="")
    return org, lambda: update(org, setup_contact="赵联络")


CASES = {
    Rule.NO_ACTIVITY: _no_activity,
    Rule.SECRETARY_VACANT: _secretary_vacant,
    Rule.TERM_OVERDUE: _term_overdue,
    Rule.TOO_FEW_MEMBERS: _too_few_members,
    Rule.DEREGISTERED_ACTIVE: _deregistered_active,
    Rule.MUST_ESTABLISH: _must_establish,
    Rule.NO_SETUP_CONTACT: _no_setup_contact,
}


def test_every_rule_has_a_case_and_a_description():
    assert set(CASES) == set(Rule) == set(early_warning.RULES) == set(early_warning.RULE_DESCRIPTIONS)


def test_healthy_records_raise_nothing(beilin):
    healthy_party(beilin)
    healthy_org(beilin, formal_party_members=0)
    result = warning_scan(today=TODAY)
    assert result["opened"] == result["closed"] == 0
    assert not EarlyWarning.objects.exists()


@pytest.mark.parametrize("rule", list(CASES))
def test_rule_opens_then_clears(rule, beilin, culture):
    record, clear = CASES[rule](beilin)
    update(record, supervising_unit=culture)

    result = warning_scan(today=TODAY)
    assert open_warnings() == {(rule, key(record))}
    assert result[f"{rule}_opened"] == result["opened"] == 1
    warning = EarlyWarning.objects.get()
    assert (warning.area, warning.supervising_unit, warning.opened_on) == (beilin, culture, TODAY)
    assert (warning.party_organization_id or warning.organization_id) == record.pk

    clear()
    later = TODAY + 7 * DAY
    result = warning_scan(today=later)
    assert result[f"{rule}_closed"] == result["closed"] == 1
    assert result["opened"] == 0
    warning.refresh_from_db()
    assert (warning.status, warning.closed_on) == (EarlyWarning.Status.CLOSED, later)
    assert open_warnings() == set()


@pytest.mark.parametrize("rule", list(CASES))
def test_second_scan_opens_nothing(rule, beilin):
    CASES[rule](beilin)
    first = warning_scan(today=TODAY)
    second = warning_scan(today=TODAY + DAY)
    assert first["opened"] == EarlyWarning.objects.count() == 1
    assert second["opened"] == second["closed"] == second["moved"] == 0
    assert EarlyWarning.objects.count() == 1


def test_a_cleared_warning_reopens_as_a_new_warning(beilin):
    party, clear = _secretary_vacant(beilin)
    warning_scan(today=TODAY)
    clear()
    warning_scan(today=TODAY + DAY)
    update(party, secretary="")
    warning_scan(today=TODAY + 2 * DAY)
    statuses = list(EarlyWarning.objects.order_by("pk").values_list("status", "opened_on", "closed_on"))
    assert statuses == [("closed", TODAY, TODAY + DAY), ("open", TODAY + 2 * DAY, None)]


def test_one_record_can_carry_several_rules(beilin):
    party = healthy_party(beilin, secretary="", member_count=1, last_activity_on=None)
    result = warning_scan(today=TODAY)
    expected = {(Rule.SECRETARY_VACANT, key(party)), (Rule.TOO_FEW_MEMBERS, key(party)), (Rule.NO_ACTIVITY, key(party))}
    assert open_warnings() == expected
    assert result["opened"] == len(expected)


def test_the_dataset(dataset, beilin, yanta, justice):
    """The conftest dataset as of 2021-01-15: no branch has recorded any
    activity; H is deregistered under its still-active branch; C (4 members,
    only a joint branch) and G (3 members, none) must establish."""
    d = dataset
    result = warning_scan(today=TODAY)
    assert open_warnings() == {
        (Rule.NO_ACTIVITY, key(d.p_a)),
        (Rule.NO_ACTIVITY, key(d.joint)),
        (Rule.NO_ACTIVITY, key(d.p_h)),
        (Rule.DEREGISTERED_ACTIVE, key(d.p_h)),
        (Rule.MUST_ESTABLISH, key(d.c)),
        (Rule.MUST_ESTABLISH, key(d.g)),
    }
    assert result["opened"] == 6
    g = EarlyWarning.objects.get(organization=d.g)
    assert (g.area, g.supervising_unit) == (yanta, justice)


# --- Boundaries ------------------------------------------------------------


def test_no_activity_boundaries(beilin):
    cutoff = TODAY - early_warning.DORMANT_AFTER
    on_cutoff = healthy_party(beilin, last_activity_on=cutoff)
    before_cutoff = healthy_party(beilin, last_activity_on=cutoff - DAY)
    young = healthy_party(beilin, last_activity_on=None, established_on=cutoff)
    old_silent = healthy_party(beilin, last_activity_on=None, established_on=cutoff - DAY)
    matching = set(early_warning.rule_matches(Rule.NO_ACTIVITY, today=TODAY).values_list("pk", flat=True))
    assert matching == {before_cutoff.pk, old_silent.pk}
    assert on_cutoff.pk not in matching and young.pk not in matching


def test_term_due_today_is_not_overdue(beilin):
    healthy_party(beilin, term_due_on=TODAY)
    assert not early_warning.rule_matches(Rule.TERM_OVERDUE, today=TODAY).exists()


def test_too_few_members_only_for_standalone_branches(beilin):
    healthy_party(beilin, member_count=1, formation=PartyOrganization.Formation.JOINT)
    healthy_party(beilin, member_count=1, kind=PartyOrganization.Kind.COMMITTEE)
    branch = healthy_party(beilin, member_count=1)
    assert list(early_warning.rule_matches(Rule.TOO_FEW_MEMBERS, today=TODAY)) == [branch]


def test_deregistered_active_needs_every_covered_organisation_gone(beilin):
    gone = healthy_org(beilin, status=SocialOrganization.Status.DEREGISTERED, deregistered_on=TODAY - DAY)
    healthy_party(beilin, organizations=[gone, healthy_org(beilin)], formation=PartyOrganization.Formation.JOINT)
    healthy_party(beilin, organizations=[])  # covers nothing: incomplete, not left behind
    both_gone = healthy_party(
        beilin,
        organizations=[gone, healthy_org(beilin, status="deregistered", deregistered_on=TODAY - DAY)],
        formation=PartyOrganization.Formation.JOINT,
    )
    assert list(early_warning.rule_matches(Rule.DEREGISTERED_ACTIVE, today=TODAY)) == [both_gone]


def test_must_establish_boundaries(beilin):
    grace = TODAY - early_warning.ESTABLISH_GRACE
    healthy_org(beilin, formal_party_members=3, registered_on=grace)  # exactly 90 days: still in grace
    late = healthy_org(beilin, formal_party_members=3, registered_on=grace - DAY)
    healthy_org(beilin, formal_party_members=2, registered_on=grace - DAY)  # too few to must-establish
    jointly = healthy_org(beilin, formal_party_members=5, registered_on=grace - DAY)
    healthy_party(beilin, organizations=[jointly], formation=PartyOrganization.Formation.JOINT)
    owned = healthy_org(beilin, formal_party_members=5, registered_on=grace - DAY)
    healthy_party(beilin, organizations=[owned])
    matching = set(early_warning.rule_matches(Rule.MUST_ESTABLISH, today=TODAY))
    # A joint party organisation does not satisfy 应建必建.
    assert matching == {late, jointly}


def test_no_setup_contact_boundaries(beilin):
    window = TODAY - early_warning.NEW_REGISTRATION_WINDOW
    inside = healthy_org(beilin, registered_on=window, setup_contact=" ")
    healthy_org(beilin, registered_on=window - DAY, setup_contact="")
    healthy_org(beilin, registered_on=TODAY - DAY, setup_contact="有人")
    assert list(early_warning.rule_matches(Rule.NO_SETUP_CONTACT, today=TODAY)) == [inside]


def test_dissolved_and_deregistered_records_raise_nothing(beilin):
    healthy_party(beilin, secretary="", status=PartyOrganization.Status.DISSOLVED, dissolved_on=TODAY - DAY)
    healthy_org(
        beilin,
        registered_on=TODAY - 30 * DAY,
        setup_contact="",
        formal_party_members=9,
        status=SocialOrganization.Status.DEREGISTERED,
        deregistered_on=TODAY - DAY,
    )
    assert warning_scan(today=TODAY)["opened"] == 0


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
            _secretary_vacant(beilin)
            _must_establish(beilin)

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


# --- Rectification ---------------------------------------------------------------


@pytest.fixture
def beilin_warning(beilin, culture):
    party, _clear = _secretary_vacant(beilin)
    update(party, supervising_unit=culture)
    warning_scan(today=TODAY)
    return EarlyWarning.objects.get()


def test_rectify_records_note_dates_and_actor(beilin_user, beilin_warning):
    today = timezone.localdate()
    warning = warning_rectify(
        actor=beilin_user, warning=beilin_warning, note="  已选派书记  ", started_on=today, due_on=today + 30 * DAY
    )
    warning.refresh_from_db()
    assert warning.rectification_note == "已选派书记"
    assert (warning.rectification_started_on, warning.rectification_due_on) == (today, today + 30 * DAY)
    assert warning.rectification_updated_by == beilin_user
    # Notes do not clear a warning; only the records can.
    assert warning.status == EarlyWarning.Status.OPEN


def test_rectify_dates_may_be_left_open(staff_user, beilin_warning):
    warning = warning_rectify(actor=staff_user, warning=beilin_warning, note="排查中", started_on=None, due_on=None)
    assert warning.rectification_started_on is None and warning.rectification_due_on is None


@pytest.mark.parametrize(
    ("started", "due", "note", "fields"),
    [
        (0, -1, "x", {"due_on"}),
        (1, 5, "x", {"started_on"}),
        (1, 0, "x", {"started_on", "due_on"}),
        (0, 5, "   ", {"note"}),
    ],
)
def test_rectify_validation(beilin_user, beilin_warning, started, due, note, fields):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        warning_rectify(
            actor=beilin_user,
            warning=beilin_warning,
            note=note,
            started_on=today + started * DAY,
            due_on=today + due * DAY,
        )
    assert set(exc.value.message_dict) == fields
    beilin_warning.refresh_from_db()
    assert beilin_warning.rectification_note == "" and beilin_warning.rectification_updated_by is None


def test_due_date_alone_is_not_checked_against_a_start(beilin_user, beilin_warning):
    past = timezone.localdate() - 10 * DAY
    warning = warning_rectify(actor=beilin_user, warning=beilin_warning, note="x", started_on=None, due_on=past)
    assert warning.rectification_due_on == past


@pytest.mark.parametrize("user", ["yanta_user", "lawyers_user", "leader_user"])
def test_rectify_outside_scope_or_read_only_is_refused(request, user, beilin_warning):
    actor = request.getfixturevalue(user)
    with pytest.raises(PermissionDenied):
        warning_rectify(actor=actor, warning=beilin_warning, note="x", started_on=None, due_on=None)
    beilin_warning.refresh_from_db()
    assert beilin_warning.rectification_note == ""


def test_industry_committee_rectifies_its_own_units_warnings(lawyers_user, justice, beilin_warning):
    EarlyWarning.objects.filter(pk=beilin_warning.pk).update(supervising_unit=justice)
    warning = warning_rectify(
        actor=lawyers_user, warning=beilin_warning, note="行业党委跟进", started_on=None, due_on=None
    )
    assert warning.rectification_updated_by == lawyers_user


# --- Celery wiring -------------------------------------------------------------------


def test_task_runs_the_scan_and_is_safe_to_repeat(beilin):
    _secretary_vacant(beilin)
    first = tasks.warning_scan.apply(kwargs={"today": TODAY.isoformat()}).get()
    second = tasks.warning_scan.apply(kwargs={"today": TODAY.isoformat()}).get()
    assert (first["opened"], second["opened"]) == (1, 0)
    assert tasks.warning_scan.acks_late


def test_only_a_successful_recount_queues_a_scan(beilin, monkeypatch):
    _secretary_vacant(beilin)
    ran = []
    monkeypatch.setattr(tasks.warning_scan, "delay_on_commit", lambda *a, **k: ran.append(a))
    early_warning.warning_scan_after_recount(RecountRun(status=RecountRun.Status.FAILED))
    assert ran == []
    early_warning.warning_scan_after_recount(RecountRun(status=RecountRun.Status.SUCCEEDED))
    assert ran == [()]


def test_the_queued_scan_runs_when_the_recount_commits(beilin, django_capture_on_commit_callbacks):
    party, _clear = _secretary_vacant(beilin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        early_warning.warning_scan_after_recount(RecountRun(status=RecountRun.Status.SUCCEEDED))
    assert not EarlyWarning.objects.exists()  # nothing before the commit
    callbacks[0]()
    # The queued scan is as of the real today, whatever TODAY says.
    warning = EarlyWarning.objects.get(rule=Rule.SECRETARY_VACANT)
    assert (warning.subject_key, warning.opened_on) == (key(party), timezone.localdate())
