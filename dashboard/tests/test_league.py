"""Districts compared: the league table and its 4★/5★ chart.

Expected figures are counted here from the records the `history` city holds
(dashboard/tests/test_figure_links.py), never read back from the page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from coverage.models import EarlyWarning, Ledger, Period
from coverage.recount import services
from dashboard.tests import test_figure_links
from dashboard.tests.test_figure_links import _check, _parse
from organizations.models import SocialOrganization
from organizations.tests.factories import AreaFactory, SocialOrganizationFactory
from ratings.models import Evaluation

pytestmark = pytest.mark.django_db

# The city whose two half-years differ, shared with the dashboard's figure-link tests.
history = test_figure_links.history

LEAGUE = reverse("dashboard:league")
CHART = reverse("dashboard:chart-stars-by-area")


def _rows(response) -> dict[str, object]:
    assert response.status_code == 200
    return {row.label: row for row in response.context["league"].rows}


def _counted(area, period: str) -> dict[str, object]:
    """The district's figures counted from the records as of the half-year's end."""
    end = Period(year=int(period[:4]), half=int(period[-1])).end
    warnings = EarlyWarning.objects.filter(area__path__startswith=area.path).open_on(end).count()
    evaluations = Evaluation.objects.filter(round__year=2020, party_organization__area__path__startswith=area.path)
    return {
        "open_warnings": warnings,
        "four_star": evaluations.filter(final_stars=4).count(),
        "five_star": evaluations.filter(state=Evaluation.State.CERTIFIED).count(),
    }


@pytest.mark.parametrize("period", ["2020H1", "2020H2"])
def test_league_figures_are_the_districts_own(login, staff_user, history, beilin, yanta, period):
    rows = _rows(login(staff_user).get(LEAGUE + f"?period={period}"))
    assert set(rows) == {"碑林区", "雁塔区"}  # the city's own (市本级) is not a district
    for area in (beilin, yanta):
        row = rows[area.name]
        active = SocialOrganization.objects.filter(area__path__startswith=area.path)
        assert row.values["organizations"] == row.snapshot.organizations
        assert row.snapshot.period.code == period
        for figure, value in _counted(area, period).items():
            assert row.values[figure] == value, (area.name, figure)
        assert active.exists()


def test_changes_and_ranks(login, staff_user, history):
    rows = _rows(login(staff_user).get(LEAGUE + "?period=2020H2"))
    beilin, yanta = rows["碑林区"], rows["雁塔区"]
    for row in (beilin, yanta):
        assert row.previous.period.code == "2020H1"
        assert row.change("org_coverage_rate") == row.snapshot.org_coverage_rate - row.previous.org_coverage_rate
        assert row.change("open_warnings") == row.values["open_warnings"] - row.previous_values["open_warnings"]
    # Ranks: more coverage ranks first, more warnings ranks last; ties share a rank.
    for figure, better in (("org_coverage_rate", max), ("open_warnings", min)):
        best = better((beilin, yanta), key=lambda row: row.values[figure])
        assert best.ranks[figure] == 1
        if beilin.values[figure] == yanta.values[figure]:
            assert beilin.ranks[figure] == yanta.ranks[figure] == 1
    # Beilin: C's and L's must-establish warnings etc. at 2020H2 (counted above), more than Yanta's.
    assert beilin.values["open_warnings"] > yanta.values["open_warnings"]
    assert (beilin.ranks["open_warnings"], yanta.ranks["open_warnings"]) == (2, 1)


@pytest.mark.parametrize("period", ["2020H1", "2020H2"])
@pytest.mark.parametrize("role", ["staff_user", "leader_user", "beilin_user"])
def test_every_league_figure_opens_exactly_its_rows(request, login, history, role, period):
    client = login(request.getfixturevalue(role))
    response = client.get(LEAGUE + f"?period={period}")
    cells = _parse(response).cells
    rows = len(response.context["league"].rows)
    # Eight linked figures a row: both coverage rates, 入章率 and 交叉任职率, 应建未建, open warnings, 4★, 5★.
    assert len(cells) == 8 * rows
    links = [("league", cell["href"], int(cell["count"])) for cell in cells]
    spec = json.loads(client.get(CHART + f"?period={period}").content)
    for dataset_links, counts in zip(spec["links"], spec["counts"], strict=True):
        links += [("chart", href, count) for href, count in zip(dataset_links, counts, strict=True)]
    assert _check(client, links) == []


def test_chart_values_match_the_table(login, staff_user, history):
    client = login(staff_user)
    rows = _rows(client.get(LEAGUE + "?period=2020H2"))
    spec = json.loads(client.get(CHART + "?period=2020H2").content)
    assert spec["labels"] == [label for label in ["碑林区", "雁塔区"] if label in rows]
    four, five = spec["datasets"][0]["data"], spec["datasets"][1]["data"]
    assert four == [rows[label].values["four_star"] for label in spec["labels"]]
    assert five == [rows[label].values["five_star"] for label in spec["labels"]]
    assert sum(four) == Evaluation.objects.filter(final_stars=4, party_organization__area__level="district").count()


def test_a_district_sees_only_its_own_row_by_any_url(login, beilin_user, history, yanta):
    client = login(beilin_user)
    for query in ("", "?period=2020H1", "?period=2020H2", f"?area={yanta.pk}", "?sort=-label", "?scope=city"):
        response = client.get(LEAGUE + query)
        assert set(_rows(response)) == {"碑林区"}, query
        assert "雁塔" not in response.content.decode(), query
        chart = client.get(CHART + query).content.decode()
        assert "雁塔" not in chart and str(yanta.pk) not in json.loads(chart)["labels"], query
    for export in ("csv", "xlsx"):
        response = client.get(LEAGUE + f"?_export={export}&period=2020H2")
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert "雁塔".encode() not in body


def test_industry_committee_has_no_league(login, lawyers_user, history):
    client = login(lawyers_user)
    assert client.get(LEAGUE).status_code == 403
    assert client.get(CHART).status_code == 403


def test_export_carries_value_change_and_rank(login, staff_user, history):
    response = login(staff_user).get(LEAGUE + "?_export=csv&period=2020H2&sort=label")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    header, rows = table[0], table[1:]
    assert len(rows) == 2
    assert len(header) == len(set(header))
    # Rank, district, then each figure's value, change and rank.
    assert [row[1] for row in rows] == ["碑林区", "雁塔区"]
    assert len(header) == 2 + 8 * 3 + 2
    beilin = rows[0]
    now, before = _counted(history.a.area, "2020H2"), _counted(history.a.area, "2020H1")
    # Open warnings: value, change, rank (columns 17-19); Beilin has more than Yanta.
    assert beilin[17:20] == [str(now["open_warnings"]), str(now["open_warnings"] - before["open_warnings"]), "2"]


def test_ledger_status_and_timeliness(login, staff_user, history, beilin, yanta):
    period = Period.objects.get(year=2020, half=2)
    Ledger.objects.create(
        period=period,
        area=beilin,
        status=Ledger.Status.ACCEPTED,
        due_on=dt.date(2021, 1, 15),
        submitted_at=dt.datetime(2021, 1, 10, 1, tzinfo=dt.UTC),
    )
    Ledger.objects.create(
        period=period,
        area=yanta,
        status=Ledger.Status.SUBMITTED,
        due_on=dt.date(2021, 1, 15),
        submitted_at=dt.datetime(2021, 1, 20, 1, tzinfo=dt.UTC),
    )
    rows = _rows(login(staff_user).get(LEAGUE + "?period=2020H2"))
    assert (rows["碑林区"].ledger_status, rows["碑林区"].ledger_timeliness) == ("accepted", "on_time")
    assert (rows["雁塔区"].ledger_status, rows["雁塔区"].ledger_timeliness) == ("submitted", "late")
    first = _rows(login(staff_user).get(LEAGUE + "?period=2020H1"))
    assert first["碑林区"].ledger_status == "draft"


def test_query_count_does_not_grow(login, staff_user, history, city, beilin, django_assert_num_queries):
    # session, user, half-years, area snapshots of both half-years, warning
    # tally, rating rounds, rating tally, ledgers.
    client = login(staff_user)
    with django_assert_num_queries(8):
        client.get(LEAGUE + "?period=2020H2")
    zone = AreaFactory(code="610199", name="高新区", parent=city, level="zone")
    SocialOrganizationFactory.create_batch(20, area=beilin)
    SocialOrganizationFactory.create_batch(5, area=zone)
    services.recount_run(period="2020H2")
    with django_assert_num_queries(8):
        response = client.get(LEAGUE + "?period=2020H2")
    assert "高新区" in _rows(response)
    # The chart: session, user, half-years and the same five.
    with django_assert_num_queries(8):
        client.get(CHART + "?period=2020H2")
