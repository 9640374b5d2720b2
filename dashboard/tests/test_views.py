import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from coverage.models import EarlyWarning, Snapshot
from coverage.recount import services
from coverage.warnings.scan import warning_scan
from engagement.tests.factories import ContributionFactory, TrainingBaseFactory
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from ratings.models import Evaluation
from ratings.tests.factories import make_evaluation, make_round
from ui.formatting import percent_value

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def _figures(response):
    return response.context["snapshot"]


def test_city_figures_come_from_the_city_snapshot(login, staff_user, recounted):
    response = login(staff_user).get(HOME)
    snapshot = _figures(response)
    assert (snapshot.organizations, snapshot.party_organizations) == (7, 3)
    assert (snapshot.org_covered, snapshot.work_covered, snapshot.must_establish_not_established) == (3, 4, 2)
    page = response.content.decode()
    assert 'data-figure="organizations">7<' in page
    assert 'data-figure="org_coverage_rate">42.9%<' in page


def test_district_gets_its_own_area(login, beilin_user, recounted):
    snapshot = _figures(login(beilin_user).get(HOME))
    assert (snapshot.label, snapshot.organizations, snapshot.work_covered) == ("碑林区", 6, 4)


def test_industry_committee_gets_its_unit(login, lawyers_user, recounted):
    snapshot = _figures(login(lawyers_user).get(HOME))
    assert (snapshot.label, snapshot.organizations) == ("西安市司法局", 1)


def test_period_selector(login, staff_user, recounted):
    response = login(staff_user).get(HOME + "?period=2020H1")
    assert response.context["period"].code == "2020H1"
    assert _figures(response).work_covered == 5


def test_dashboard_query_count_does_not_grow(login, staff_user, recounted, beilin, django_assert_num_queries):
    # session, user, the half-years (the selector's and the one shown), this
    # half-year's and the previous snapshot (the change beside each figure),
    # open warnings, engagement, contributions, rating round, ratings:
    # snapshots and tallies only; and the ledger figure's three (the half-year's
    # ledgers, the districts and zones, the industry committees: a row each);
    # and the party-building brands counted by level (one grouped query over
    # the brand table, a few hundred rows for the whole city).
    make_round(2020, province_total=59)
    client = login(staff_user)
    with django_assert_num_queries(13):
        client.get(HOME)
    orgs = SocialOrganizationFactory.create_batch(30, area=beilin)
    for org in orgs[:10]:
        ContributionFactory(organization=org)
        TrainingBaseFactory(area=beilin, host_organization=org)
    services.recount_run(period="2020H2")
    warning_scan(today=dt.date(2020, 12, 31))
    with django_assert_num_queries(13):
        client.get(HOME)


def test_engagement_figures_are_scoped_and_computed(login, staff_user, beilin_user, recounted, beilin, yanta):
    ContributionFactory(organization=recounted.a, kind="poverty", money_yuan=Decimal("120000"), people_helped=40)
    ContributionFactory(organization=recounted.g, kind="poverty", money_yuan=Decimal("30000"), people_helped=5)
    ContributionFactory(
        organization=recounted.b, kind="epidemic", money_yuan=Decimal("10000"), goods_value_yuan=Decimal("5000")
    )
    TrainingBaseFactory(area=beilin, host_organization=recounted.a, is_provincial_point=True)
    TrainingBaseFactory(area=yanta, host_organization=recounted.g)
    city = login(staff_user).get(HOME)
    page = city.content.decode()
    assert 'data-figure="poverty_money">15.0<' in page  # 150,000 yuan = 15.0 万元
    assert 'data-figure="poverty_people">45<' in page
    assert 'data-figure="epidemic_money">1.5<' in page
    assert 'data-figure="training_bases">2<' in page and 'data-figure="provincial_points">1<' in page
    beilin_page = login(beilin_user).get(HOME).content.decode()
    assert 'data-figure="poverty_money">12.0<' in beilin_page and 'data-figure="training_bases">1<' in beilin_page


def test_contributions_chart_is_scoped(login, staff_user, yanta_user, recounted):
    ContributionFactory(organization=recounted.a, kind="poverty", money_yuan=Decimal("120000"))
    ContributionFactory(
        organization=recounted.g, kind="epidemic", money_yuan=Decimal("30000"), goods_value_yuan=Decimal("20000")
    )
    city = _chart(login(staff_user), "contributions")
    assert len(city["labels"]) == 2 and city["datasets"][0]["data"] == [12.0, 3.0]
    yanta = _chart(login(yanta_user), "contributions")
    assert len(yanta["labels"]) == 1 and yanta["datasets"][1]["data"] == [2.0]
    # One list per bar: both datasets of a kind open that kind's records, as many as counted.
    epidemic = reverse("engagement:contribution-list") + "?kind=epidemic"
    assert yanta["links"] == [[epidemic], [epidemic]] and yanta["counts"] == [[1], [1]]


def _chart(client, name, query=""):
    response = client.get(reverse(f"dashboard:chart-{name}") + query)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_coverage_by_area_chart_is_scoped(login, staff_user, beilin_user, recounted):
    city = _chart(login(staff_user), "coverage-by-area")
    rows = Snapshot.objects.filter(period__year=2020, period__half=2, scope="area").order_by(
        "area__sort_order", "label"
    )
    assert city["labels"] == [row.label for row in rows] == ["市本级", "碑林区", "雁塔区"]
    assert city["datasets"][0]["data"] == [float(percent_value(row.org_coverage_rate)) for row in rows]
    assert city["datasets"][0]["data"][1] == 50.0  # Beilin: A, B, C of six
    # Beilin's work-coverage bar opens Beilin's work-covered organisations of that half-year.
    beilin_work = city["links"][1][1]
    assert beilin_work.startswith(reverse("organizations:organization-list")) and "coverage=work" in beilin_work
    assert city["counts"][1][1] == rows[1].work_covered
    # A district official's bars are their district's sub-districts: here none is recorded.
    beilin = _chart(login(beilin_user), "coverage-by-area")
    assert beilin["labels"] == ["未填街道"] and beilin["datasets"][1]["data"] == [66.7]


def test_trend_chart_is_scoped(login, yanta_user, staff_user, recounted):
    yanta = _chart(login(yanta_user), "coverage-trend")
    assert yanta["labels"] == ["2020H1", "2020H2"]
    assert yanta["datasets"][0]["data"] == [0.0, 0.0]
    city = _chart(login(staff_user), "coverage-trend")
    trend = Snapshot.objects.filter(scope="city").order_by("period__year", "period__half")
    assert city["datasets"][1]["data"] == [float(percent_value(row.work_coverage_rate)) for row in trend]
    assert city["datasets"][1]["data"] == [71.4, 57.1]  # 5 of 7, then 4 of 7


def test_chart_endpoints_refuse_anonymous_users(client, recounted):
    for name in ("coverage-by-area", "coverage-trend", "warnings", "contributions", "stars-by-round"):
        assert client.get(reverse(f"dashboard:chart-{name}")).status_code == 403


def test_warnings_chart_is_scoped_and_links_to_the_list(login, staff_user, yanta_user, recounted):
    # Scanned on 2020H2's last day: the chart shows the warnings open at its half-year's end.
    warning_scan(today=dt.date(2020, 12, 31))
    city = _chart(login(staff_user), "warnings")
    assert city["labels"] == ["碑林区", "雁塔区"]
    per_area = [sum(dataset["data"][i] for dataset in city["datasets"]) for i in range(2)]
    assert per_area == [EarlyWarning.objects.open().filter(area__name=name).count() for name in city["labels"]]
    yanta = _chart(login(yanta_user), "warnings")
    assert yanta["labels"] == ["雁塔区"]
    # G (three members, no party organisation since 2015) is Yanta's only warning.
    assert len(yanta["datasets"]) == 1 and yanta["datasets"][0]["data"] == [1]
    assert yanta["links"][0][0].startswith(reverse("coverage:warning-list")) and yanta["counts"] == [[1]]


def test_star_figures_come_from_the_evaluations(login, staff_user, beilin_user, recounted):
    round_2020 = make_round(2020, province_total=8)
    make_evaluation(recounted.p_a, round_2020, state=Evaluation.State.APPROVED, total=85)  # four stars, Beilin
    make_evaluation(recounted.joint, round_2020, state=Evaluation.State.CERTIFIED, total=95)  # five, Beilin
    make_evaluation(recounted.p_h, round_2020, state=Evaluation.State.SUBMITTED, total=95)  # not decided
    page = login(staff_user).get(HOME).content.decode()
    assert 'data-figure="four_star">1<' in page and 'data-figure="five_star">1<' in page
    assert 'data-figure="province_share">12.5%<' in page  # 1 of the province's 8
    chart = _chart(login(beilin_user), "stars-by-round")
    assert chart["labels"] == ["2020"]
    assert [d["data"] for d in chart["datasets"]] == [[0], [0], [0], [1], [1]]
    four_star = reverse("ratings:evaluation-list") + "?round=2020&final_stars=4"
    assert chart["links"][3] == [four_star] and chart["counts"][3] == [1]


def test_stars_chart_is_scoped(login, yanta_user, recounted):
    make_evaluation(recounted.p_a, make_round(2020), state=Evaluation.State.APPROVED, total=85)
    assert _chart(login(yanta_user), "stars-by-round")["labels"] == []


def test_figures_show_their_change_since_the_previous_half_year(login, staff_user, recounted, beilin):
    # Registered in September 2020: 2020H2 has one organisation more than 2020H1.
    SocialOrganizationFactory(area=beilin, registered_on=dt.date(2020, 9, 1))
    services.recount_run(period="2020H2")
    city = {s.period.code: s for s in Snapshot.objects.filter(scope=Snapshot.Scope.CITY).select_related("period")}
    grown = city["2020H2"].organizations - city["2020H1"].organizations
    assert grown > 0
    page = login(staff_user).get(HOME + "?period=2020H2").content.decode()
    assert f'data-change="organizations" title="较 2020H1">▲{grown}<' in page
    assert 'href="/coverage/changes/?period=2020H2"' in page


# session, user, the half-year asked for, then the chart's one read (snapshots or a tally)
CHART_QUERIES = {
    "coverage-by-area": 4,
    "coverage-trend": 3,
    "warnings": 4,
    "stars-by-round": 3,
    "contributions": 3,
}


@pytest.mark.parametrize("name", CHART_QUERIES)
def test_chart_query_counts_do_not_grow(login, staff_user, recounted, beilin, name, django_assert_num_queries):
    client = login(staff_user)
    query = "?period=2020H2"
    with django_assert_num_queries(CHART_QUERIES[name]):
        _chart(client, name, query)
    round_2020 = make_round(2020)
    for org in SocialOrganizationFactory.create_batch(20, area=beilin, formal_party_members=4):
        ContributionFactory(organization=org, kind="poverty")
        party = PartyOrganizationFactory(area=beilin, organizations=[org], secretary="")
        make_evaluation(party, round_2020, state=Evaluation.State.APPROVED, total=85)
    services.recount_run(period="2020H2")
    warning_scan(today=dt.date(2020, 12, 31))
    with django_assert_num_queries(CHART_QUERIES[name]):
        spec = _chart(client, name, query)
    assert spec["labels"]
