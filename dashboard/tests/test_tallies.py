"""The tallies agree with the records after every kind of write.

After each write below (through the services, the scan, the import, the
ORM as the admin and the factories write), every stored tally row equals the
rebuild from the records (`tallies.differences()`), and every figure the
dashboard reads from a tally equals the same figure counted from the records
(dashboard/tests/scanned.py) for the city, a district and an industry
committee, for each half-year and for now.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import data_values
from coverage.models import EarlyWarning, Period, Snapshot
from coverage.recount import selectors as recount_selectors
from coverage.warnings.scan import warning_scan
from coverage.warnings.services import warning_rectify
from dashboard import selectors, tallies, tasks
from dashboard.models import ContributionTally, EngagementTally, Membership, RatingTally, WarningTally
from dashboard.tests import scanned
from engagement import services as engagement
from engagement.models import Contribution, PilotAssignment
from engagement.tests.factories import (
    CommunityFactory,
    ContributionFactory,
    PilotAssignmentFactory,
    PilotCommunityFactory,
    PlaqueAwardFactory,
    TrainingBaseFactory,
)
from organizations import services as organizations
from organizations.models import PartyOrganization, SocialOrganization
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from ratings import services as ratings
from ratings.models import Evaluation
from ratings.tests.factories import make_evaluation, make_round, points_for

pytestmark = pytest.mark.django_db

State = Evaluation.State


@pytest.fixture
def users(staff_user, beilin_user, yanta_user, lawyers_user):
    return (staff_user, beilin_user, yanta_user, lawyers_user)


@pytest.fixture
def periods(recounted):
    return list(Period.objects.order_by("year", "half"))


@pytest.fixture
def city_records(recounted, beilin, yanta, nanyuanmen, justice, culture):
    """Ratings, warnings and engagement records in two districts and one industry."""
    d = recounted
    round_2019, round_2020 = make_round(2019, province_total=41), make_round(2020, province_total=59)
    make_evaluation(d.p_a, round_2019, state=State.APPROVED, total=75)
    make_evaluation(d.joint, round_2020, state=State.CERTIFIED, total=95)
    law = SocialOrganizationFactory(name="碑林律所", area=beilin, supervising_unit=justice, formal_party_members=4)
    law_party = PartyOrganizationFactory(
        name="碑林律所党支部", area=beilin, supervising_unit=justice, organizations=[law]
    )
    baojixiang = PilotCommunityFactory(community=CommunityFactory(parent=nanyuanmen))
    other = PilotCommunityFactory(community=CommunityFactory(parent=nanyuanmen))
    PilotAssignmentFactory(organization=d.a, community=baojixiang)
    PilotAssignmentFactory(organization=d.a, community=other)
    PilotAssignmentFactory(organization=law, community=baojixiang)
    PlaqueAwardFactory(organization=d.a, community=baojixiang)
    TrainingBaseFactory(area=beilin, host_organization=law, is_provincial_point=True)
    TrainingBaseFactory(area=yanta, host_organization=d.g)
    ContributionFactory(organization=d.a, kind="poverty", money_yuan=Decimal("120000"), people_helped=40)
    ContributionFactory(organization=d.g, kind="epidemic", goods_value_yuan=Decimal("5000"), is_exemplary_case=True)
    warning_scan(today=dt.date(2020, 12, 31))
    return SimpleNamespace(
        **vars(d), round_2019=round_2019, round_2020=round_2020, law=law, law_party=law_party, pilot=baojixiang
    )


def _count_tally_writes(queries) -> int:
    tables = ("dashboard_ratingtally", "dashboard_warningtally", "dashboard_contributiontally", "dashboard_engagement")
    return sum(1 for q in queries if q["sql"].startswith("INSERT") and any(t in q["sql"] for t in tables))


# --------------------------------------------------------------------------
# Rebuild
# --------------------------------------------------------------------------


def _rows() -> dict:
    return {
        tally: sorted(tally.objects.values_list(*(f.attname for f in tally._meta.concrete_fields if f.name != "id")))
        for tally in (RatingTally, WarningTally, ContributionTally, EngagementTally)
    }


def test_the_rows_kept_by_the_writes_are_those_a_rebuild_writes(city_records, users, periods):
    scanned.assert_agree(users, periods)
    tallies.rebuild()
    rebuilt = _rows()
    assert tallies.rebuild() > 0
    assert _rows() == rebuilt  # a rebuild replaces the rows with the same rows
    scanned.assert_agree(users, periods)


def test_an_empty_database_has_empty_tallies(db, staff_user):
    assert tallies.rebuild() == 0
    assert selectors.open_warning_count(staff_user, None) == 0
    assert selectors.engagement_figures(staff_user)["pilots"]["pilot_organizations"] == 0
    assert tallies.differences() == []


def test_a_tally_out_of_step_is_found_and_the_rebuild_repairs_it(city_records, staff_user):
    EngagementTally.objects.filter(scope="city").update(plaques=99)
    assert any("plaques" in line for line in tallies.differences())
    tallies.rebuild()
    assert tallies.differences() == []
    assert selectors.engagement_figures(staff_user)["pilots"]["plaques"] == 1


# --------------------------------------------------------------------------
# Ratings
# --------------------------------------------------------------------------


def test_every_step_of_an_evaluation_keeps_the_ratings_true(city_records, beilin_user, staff_user, users, periods):
    round_ = city_records.round_2020
    party = city_records.law_party
    evaluation, _changed = ratings.evaluation_score(
        actor=beilin_user, round_=round_, party_organization=party, points=points_for(round_, 95)
    )
    scanned.assert_agree(users, periods)
    evaluation = ratings.evaluation_submit(actor=beilin_user, evaluation=evaluation)
    scanned.assert_agree(users, periods)
    evaluation = ratings.evaluation_return(actor=staff_user, evaluation=evaluation, reason="补充材料")
    scanned.assert_agree(users, periods)
    # Rescoring writes the scores only: no tally row moves.
    with CaptureQueriesContext(connection) as queries:
        ratings.evaluation_score(
            actor=beilin_user, round_=round_, party_organization=party, points=points_for(round_, 96)
        )
    assert _count_tally_writes(queries.captured_queries) == 0
    evaluation = ratings.evaluation_submit(actor=beilin_user, evaluation=Evaluation.objects.get(pk=evaluation.pk))
    evaluation = ratings.evaluation_approve(actor=staff_user, evaluation=evaluation)
    scanned.assert_agree(users, periods)
    four_star = selectors.rating_figures(staff_user, round_)["four_star_named"]
    evaluation = ratings.evaluation_send_to_province(actor=staff_user, evaluation=evaluation, on=dt.date(2020, 12, 10))
    evaluation = ratings.evaluation_certify(
        actor=staff_user, evaluation=evaluation, certified=True, on=dt.date(2020, 12, 20)
    )
    scanned.assert_agree(users, periods)
    figures = selectors.rating_figures(staff_user, round_)
    assert figures["five_star_certified"] == 2 and figures["four_star_named"] == four_star - 1
    assert selectors.rating_figures(users[3], round_)["five_star_certified"] == 1  # the lawyers' committee


def test_a_party_organisation_that_moves_takes_its_ratings_along(city_records, yanta, users, periods, yanta_user):
    assert selectors.stars_by_round(yanta_user) == []
    joint = PartyOrganization.objects.get(pk=city_records.joint.pk)
    joint.area = yanta
    joint.save()
    scanned.assert_agree(users, periods)
    assert selectors.stars_by_round(yanta_user) == [{"round__year": 2020, "final_stars": 5, "n": 1}]


# --------------------------------------------------------------------------
# Warnings
# --------------------------------------------------------------------------


def test_scans_open_and_clear_warnings_and_every_half_year_keeps_its_count(city_records, users, periods, staff_user):
    open_at_2020 = selectors.open_warning_count(staff_user, None)
    assert open_at_2020 > 0
    # G gets its own branch: its "must establish" warning clears at the next scan.
    PartyOrganizationFactory(
        area=city_records.g.area, supervising_unit=city_records.g.supervising_unit, organizations=[city_records.g]
    )
    warning_scan(today=dt.date(2021, 3, 1))
    scanned.assert_agree(users, periods)
    cleared = EarlyWarning.objects.get(organization=city_records.g, rule=EarlyWarning.Rule.MUST_ESTABLISH)
    assert cleared.closed_on == dt.date(2021, 3, 1)
    assert (
        WarningTally.objects.filter(scope="unit", supervising_unit=city_records.g.supervising_unit)
        .filter(closed_half=2021 * 2, rule=EarlyWarning.Rule.MUST_ESTABLISH, warnings=1)
        .exists()
    )
    # 2020H2 still shows the warnings open at its end.
    assert selectors.open_warning_count(staff_user, periods[-1]) == open_at_2020
    warning_scan(today=dt.date(2021, 3, 1))  # a second scan changes nothing
    scanned.assert_agree(users, periods)


def test_rectification_notes_change_no_figure(city_records, staff_user, users, periods):
    warning = EarlyWarning.objects.open().first()
    with CaptureQueriesContext(connection) as queries:
        warning_rectify(actor=staff_user, warning=warning, note="已约谈", started_on=None, due_on=None)
    assert _count_tally_writes(queries.captured_queries) == 0
    scanned.assert_agree(users, periods)


def test_warnings_written_and_deleted_one_by_one(city_records, beilin, justice, users, periods):
    org = SocialOrganizationFactory(area=beilin, supervising_unit=justice)
    warning = EarlyWarning.objects.create(
        rule=EarlyWarning.Rule.NO_SETUP_CONTACT,
        subject_key=f"org:{org.pk}",
        organization=org,
        area=beilin,
        supervising_unit=justice,
        opened_on=dt.date(2020, 2, 1),
    )
    scanned.assert_agree(users, periods)
    warning.status, warning.closed_on = EarlyWarning.Status.CLOSED, dt.date(2020, 9, 1)
    warning.save()
    scanned.assert_agree(users, periods)
    org.delete()  # takes its warnings along
    scanned.assert_agree(users, periods)


def test_the_overview_counts_the_warnings_of_each_row(city_records, periods):
    for period in periods:
        for scope in (Snapshot.Scope.AREA, Snapshot.Scope.SUPERVISING_UNIT):
            rows = recount_selectors.overview_rows(period=period, scope=scope)
            assert dict(rows.values_list("scope_key", "open_warnings")) == scanned.overview_warnings(period, scope)


# --------------------------------------------------------------------------
# Engagement
# --------------------------------------------------------------------------


def _contribution(contribution, **changes) -> engagement.ContributionData:
    values = {
        name: getattr(contribution, name)
        for name in engagement.ContributionData.__dataclass_fields__
        if name not in ("organization",)
    }
    return engagement.ContributionData(organization=contribution.organization, **(values | changes))


def test_contributions_created_and_edited_through_the_services(city_records, staff_user, users, periods):
    d = city_records
    created = engagement.contribution_create(
        actor=staff_user,
        data=engagement.ContributionData(
            organization=d.b, kind="epidemic", made_on=dt.date(2020, 2, 1), money_yuan=Decimal("30000")
        ),
    )
    scanned.assert_agree(users, periods)
    # Another kind, another organisation in another district and unit, other sums.
    data = _contribution(created, kind="poverty", people_helped=12, money_yuan=Decimal("1.50"))
    engagement.contribution_update(
        actor=staff_user,
        contribution=created,
        data=engagement.ContributionData(**(data_values(data) | {"organization": d.g})),
    )
    scanned.assert_agree(users, periods)
    created.delete()
    scanned.assert_agree(users, periods)


def test_pilot_organisations_count_each_organisation_once(city_records, staff_user, beilin_user, users, periods):
    d = city_records
    assert selectors.engagement_figures(beilin_user)["pilots"]["pilot_organizations"] == 2  # A serves two communities
    third = PilotCommunityFactory(community=CommunityFactory(parent=d.pilot.community.parent))
    assignment = engagement.pilot_assignment_create(
        actor=staff_user,
        data=engagement.PilotAssignmentData(community=third, organization=d.a, selected_on=dt.date(2020, 5, 1)),
    )
    scanned.assert_agree(users, periods)
    assert selectors.engagement_figures(beilin_user)["pilots"]["pilot_organizations"] == 2
    engagement.pilot_assignment_update(
        actor=staff_user,
        pilot_assignment=assignment,
        data=engagement.PilotAssignmentData(community=third, organization=d.c, selected_on=dt.date(2020, 5, 1)),
    )
    scanned.assert_agree(users, periods)
    assert selectors.engagement_figures(beilin_user)["pilots"]["pilot_organizations"] == 3
    # Several assignments of one organisation deleted at once (the admin's bulk delete).
    PilotAssignment.objects.filter(organization=d.a).delete()
    scanned.assert_agree(users, periods)
    assert Membership.objects.filter(figure="pilot_organizations", owner_id=d.a.pk).count() == 0


def test_plaques_and_training_bases_through_the_services(city_records, staff_user, users, periods):
    d = city_records
    plaque = engagement.plaque_award_create(
        actor=staff_user,
        data=engagement.PlaqueAwardData(organization=d.law, awarded_on=dt.date(2020, 4, 26), place="保吉巷"),
    )
    scanned.assert_agree(users, periods)
    engagement.plaque_award_update(
        actor=staff_user,
        plaque_award=plaque,
        data=engagement.PlaqueAwardData(
            organization=d.law, awarded_on=dt.date(2020, 4, 26), place="保吉巷", agreement_signed=True
        ),
    )
    scanned.assert_agree(users, periods)
    base = d.law.training_bases.get()
    base.active = False
    base.save()
    scanned.assert_agree(users, periods)


def test_an_organisation_that_moves_takes_its_records_along(city_records, staff_user, yanta, culture, users, periods):
    law = city_records.law
    data = organizations.OrganizationData(
        **{name: getattr(law, name) for name in organizations.OrganizationData.__dataclass_fields__}
        | {"area": yanta, "supervising_unit": culture}
    )
    organizations.organization_update(actor=staff_user, organization=law, data=data)
    scanned.assert_agree(users, periods)


def test_the_import_moves_organisations_with_their_records(city_records, staff_user, yanta, justice, users, periods):
    a = SocialOrganization.objects.get(pk=city_records.a.pk)
    a.area, a.supervising_unit = yanta, justice
    organizations.organizations_import(
        actor=staff_user, creates=[], updates=[a], update_fields=["area", "supervising_unit"]
    )
    scanned.assert_agree(users, periods)


# --------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------


def test_each_figure_is_one_query(city_records, beilin_user, django_assert_num_queries):
    period = Period.objects.order_by("-year", "-half").first()
    beilin_user.area  # noqa: B018 (the user's area is read once per request, by the middleware's user)
    with django_assert_num_queries(1):
        selectors.open_warning_count(beilin_user, period)
    with django_assert_num_queries(1):
        selectors.open_warnings_by_rule_and_area(beilin_user, period)
    with django_assert_num_queries(1):
        selectors.stars_by_round(beilin_user)
    with django_assert_num_queries(1):
        selectors.rating_figures(beilin_user, city_records.round_2020)
    with django_assert_num_queries(2):
        selectors.engagement_figures(beilin_user)


def test_the_nightly_task_and_the_command_rebuild_and_check(city_records, capsys, settings):
    ContributionTally.objects.filter(scope="city").update(records=0)
    with pytest.raises(CommandError):
        call_command("rebuild_tallies", "--check")
    assert tasks.rebuild_tallies.apply().get() > 0
    call_command("rebuild_tallies", "--check")
    assert "agree" in capsys.readouterr().out
    call_command("rebuild_tallies")
    assert tallies.differences() == []
    entry = settings.CELERY_BEAT_SCHEDULE["rebuild-dashboard-tallies"]
    assert entry["task"] == tasks.rebuild_tallies.name


def test_the_scale_seed_leaves_the_tallies_true(staff_user, beilin_user, lawyers_user):
    # COPY / bulk inserts send no signals: seed_scale rebuilds the tallies at its end.
    call_command("seed_scale", "--orgs", "300", stdout=io.StringIO(), stderr=io.StringIO())
    assert Contribution.objects.exists() and EarlyWarning.objects.exists()
    scanned.assert_agree((staff_user, beilin_user, lawyers_user), list(Period.objects.all()))


def test_a_migrate_fills_empty_tallies_and_leaves_kept_ones_alone(city_records, staff_user):
    for tally in (RatingTally, WarningTally, ContributionTally, EngagementTally):
        tally.objects.all().delete()
    call_command("migrate", "dashboard", verbosity=0)
    assert tallies.differences() == []
    EngagementTally.objects.filter(scope="city").update(plaques=7)
    call_command("migrate", "dashboard", verbosity=0)
    assert selectors.engagement_figures(staff_user)["pilots"]["plaques"] == 7  # not rebuilt: only empty tallies are
