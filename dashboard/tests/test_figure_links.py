"""Every figure opens exactly its rows.

For every role and every recounted half-year, each figure on the dashboard,
each linked cell of the coverage overview (by area and by supervising unit)
and of the area pages, and each bar of the dashboard's charts links to a
list; that list, as of the figure's half-year and in the figure's scope,
holds exactly as many records as the figure counts. The city below changes
between 2020H1 and 2020H2 (an organisation registered in September, one
deregistered in October, a branch dissolved in August, one set up in
September, an instructor who left on 30 June, warnings opened and cleared in
between), so a list that ignored the half-year would be caught.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from coverage.models import EarlyWarning
from coverage.recount import services
from engagement.tests.factories import (
    CommunityFactory,
    ContributionFactory,
    PilotAssignmentFactory,
    PilotCommunityFactory,
    PlaqueAwardFactory,
    TrainingBaseFactory,
)
from organizations.models import PartyOrganization, SocialOrganization
from organizations.tests.factories import (
    InstructorAssignmentFactory,
    PartyOrganizationFactory,
    SocialOrganizationFactory,
)
from ratings.models import Evaluation
from ratings.tests.factories import make_evaluation, make_round

pytestmark = pytest.mark.django_db

ROLES = ("beilin_user", "lawyers_user", "staff_user", "leader_user")
PERIODS = ("2020H1", "2020H2")
CHARTS = ("coverage-by-area", "coverage-trend", "warnings", "stars-by-round", "contributions")
Rule = EarlyWarning.Rule
State = Evaluation.State


# --------------------------------------------------------------------------
# A city whose two half-years differ
# --------------------------------------------------------------------------


def _warning(record, rule, area, opened_on, closed_on=None, unit=None) -> EarlyWarning:
    kind = "party" if isinstance(record, PartyOrganization) else "org"
    fk = "party_organization" if kind == "party" else "organization"
    return EarlyWarning.objects.create(
        rule=rule,
        subject_key=f"{kind}:{record.pk}",
        area=area,
        supervising_unit=unit,
        opened_on=opened_on,
        closed_on=closed_on,
        status=EarlyWarning.Status.OPEN if closed_on is None else EarlyWarning.Status.CLOSED,
        **{fk: record},
    )


@pytest.fixture
def history(dataset, city, beilin, yanta, nanyuanmen, justice, culture):
    org = SocialOrganizationFactory
    d = dataset
    changed = SimpleNamespace(
        # Registered in September 2020, four members, no branch: 应建未建 in 2020H2 only.
        # It sits in 南院门街道: 碑林区's rows by sub-district have one with a place, one without.
        late=org(
            name="I 协会（2020-09 登记）",
            area=beilin,
            location=nanyuanmen,
            registered_on=dt.date(2020, 9, 15),
            formal_party_members=4,
        ),
        # Deregistered in October 2020 with six members and no branch: 应建未建 in 2020H1, gone in 2020H2.
        gone=org(
            name="J 协会（2020-10 注销）",
            area=nanyuanmen,
            supervising_unit=culture,
            formal_party_members=6,
            status=SocialOrganization.Status.DEREGISTERED,
            deregistered_on=dt.date(2020, 10, 20),
        ),
        # Deregistered in March 2020 with five members and no branch: never 应建未建.
        dead=org(
            name="K 协会（2020-03 注销）",
            area=beilin,
            formal_party_members=5,
            status=SocialOrganization.Status.DEREGISTERED,
            deregistered_on=dt.date(2020, 3, 1),
        ),
        law=org(
            name="L 律师事务所",
            area=beilin,
            supervising_unit=justice,
            category=SocialOrganization.Category.LAW_FIRM,
            formal_party_members=3,
        ),
        # The city's own (市本级): an instructor until 30 June 2020.
        own=org(name="M 基金会（市本级）", area=city, category=SocialOrganization.Category.FOUNDATION),
        # Registered in November 2020, uncovered.
        new=org(
            name="N 服务中心（2020-11 登记）", area=yanta, registered_on=dt.date(2020, 11, 2), formal_party_members=1
        ),
    )
    # L's branch was dissolved in August 2020: covered in 2020H1, 应建未建 in 2020H2.
    changed.law_branch = PartyOrganizationFactory(
        name="L 律所党支部（2020-08 撤销）",
        area=beilin,
        supervising_unit=justice,
        organizations=[changed.law],
        status=PartyOrganization.Status.DISSOLVED,
        dissolved_on=dt.date(2020, 8, 1),
    )
    # G got its own branch in September 2020.
    changed.g_branch = PartyOrganizationFactory(
        name="G 律所党支部（2020-09 成立）",
        area=yanta,
        supervising_unit=justice,
        organizations=[d.g],
        established_on=dt.date(2020, 9, 1),
        term_due_on=dt.date(2023, 9, 1),
    )
    InstructorAssignmentFactory(organization=changed.own, started_on=dt.date(2019, 3, 1), ended_on=dt.date(2020, 6, 30))

    # Warnings: open at 2020H1's end only, at 2020H2's end only, at both, at neither.
    _warning(d.f, Rule.MUST_ESTABLISH, beilin, dt.date(2020, 3, 1), closed_on=dt.date(2020, 9, 1))
    _warning(changed.late, Rule.MUST_ESTABLISH, beilin, dt.date(2020, 12, 20))
    _warning(d.p_a, Rule.SECRETARY_VACANT, beilin, dt.date(2020, 1, 10))
    _warning(d.e, Rule.NO_SETUP_CONTACT, beilin, dt.date(2020, 2, 1), closed_on=dt.date(2020, 6, 30))
    _warning(d.g, Rule.MUST_ESTABLISH, yanta, dt.date(2019, 5, 1), closed_on=dt.date(2020, 9, 2), unit=justice)
    _warning(changed.law_branch, Rule.NO_ACTIVITY, beilin, dt.date(2020, 5, 1), unit=justice)
    _warning(changed.own, Rule.NO_SETUP_CONTACT, city, dt.date(2020, 4, 1))
    # Opened after 2020H2: open now, in no recounted half-year.
    _warning(d.c, Rule.MUST_ESTABLISH, beilin, dt.date(2021, 3, 1))

    # Ratings of the 2020 round and engagement records in several scopes.
    round_2020 = make_round(2020, province_total=8)
    make_evaluation(d.p_a, round_2020, state=State.APPROVED, total=85)
    make_evaluation(d.joint, round_2020, state=State.CERTIFIED, total=95)
    make_evaluation(changed.g_branch, round_2020, state=State.APPROVED, total=85)
    make_evaluation(d.p_h, round_2020, state=State.SUBMITTED, total=95)
    TrainingBaseFactory(area=beilin, host_organization=d.a, is_provincial_point=True)
    TrainingBaseFactory(area=yanta, host_organization=d.g)
    TrainingBaseFactory(area=beilin, host_organization=d.b, active=False)
    baojixiang = PilotCommunityFactory(community=CommunityFactory(parent=nanyuanmen))
    other = PilotCommunityFactory(community=CommunityFactory(parent=nanyuanmen))
    PilotAssignmentFactory(organization=d.a, community=baojixiang)
    PilotAssignmentFactory(organization=d.a, community=other)  # one organisation serving two communities
    PilotAssignmentFactory(organization=changed.law, community=baojixiang)
    PlaqueAwardFactory(organization=d.a, community=baojixiang)
    ContributionFactory(organization=d.a, kind="poverty", money_yuan=Decimal("120000"), people_helped=40)
    ContributionFactory(organization=d.g, kind="poverty", money_yuan=Decimal("30000"), people_helped=5)
    ContributionFactory(organization=changed.law, kind="epidemic", is_exemplary_case=True)
    ContributionFactory(organization=d.b, kind="epidemic")

    services.recount_run(period="2020H1")
    services.recount_run(period="2020H2")
    return SimpleNamespace(**vars(d), **vars(changed))


# --------------------------------------------------------------------------
# Reading figures and links from a page
# --------------------------------------------------------------------------


class _Figures(HTMLParser):
    """Collects every [data-figure] element with its text, data-count and the
    href of the innermost <a> around it, and every <a data-count> (the
    overview's linked cells)."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "source", "wbr"})

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.figures: list[dict] = []
        self.cells: list[dict] = []
        self.open: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.VOID:
            return
        self.stack.append((tag, attrs))
        if "data-figure" in attrs:
            hrefs = [a.get("href") for t, a in self.stack if t == "a"]
            figure = {"name": attrs["data-figure"], "count": attrs.get("data-count"), "href": (hrefs or [None])[-1]}
            figure["text"], figure["depth"] = "", len(self.stack)
            self.open.append(figure)
        if tag == "a" and "data-count" in attrs:
            self.cells.append({"href": attrs["href"], "count": attrs["data-count"]})

    def handle_data(self, data):
        for figure in self.open:
            figure["text"] += data

    def handle_endtag(self, tag):
        if tag in self.VOID or not self.stack:
            return
        while self.stack:
            opened, _attrs = self.stack.pop()
            for figure in [f for f in self.open if f["depth"] > len(self.stack)]:
                self.open.remove(figure)
                self.figures.append(figure)
            if opened == tag:
                break


def _parse(response) -> _Figures:
    assert response.status_code == 200
    parser = _Figures()
    parser.feed(response.content.decode())
    return parser


def _expected(figure: dict) -> int:
    if figure["count"] is not None:
        return int(figure["count"])
    return int(figure["text"].strip().replace(",", ""))


def _list_count(client, href: str) -> int:
    response = client.get(href)
    assert response.status_code == 200, href
    count = response.context["table"].paginator.count
    period = parse_qs(urlsplit(href).query).get("period")
    if period:
        # The list says which day it is as of: the half-year's last day.
        last_day = "06-30" if period[0].endswith("H1") else "12-31"
        assert f'data-as-of="{period[0][:4]}-{last_day}"' in response.content.decode(), href
    return count


def _check(client, links: list[tuple[str, str, int]]) -> list[str]:
    """(what, href, expected) -> the mismatches, as readable lines."""
    wrong = []
    for what, href, expected in links:
        found = _list_count(client, href)
        if found != expected:
            wrong.append(f"{what}: shows {expected}, {href} lists {found}")
    return wrong


# --------------------------------------------------------------------------
# The walk
# --------------------------------------------------------------------------


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("role", ROLES)
def test_every_dashboard_figure_opens_exactly_its_rows(request, login, history, role, period):
    client = login(request.getfixturevalue(role))
    page = _parse(client.get(reverse("home") + f"?period={period}"))
    names = {figure["name"] for figure in page.figures}
    assert {"organizations", "work_coverage_rate", "uncovered", "open_warnings", "four_star"} <= names
    unlinked = [figure["name"] for figure in page.figures if not figure["href"]]
    assert not unlinked, f"figures without a link: {unlinked}"
    links = [(figure["name"], figure["href"], _expected(figure)) for figure in page.figures]
    assert _check(client, links) == []


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("role", ROLES)
def test_every_overview_cell_opens_exactly_its_rows(request, login, history, role, period):
    client = login(request.getfixturevalue(role))
    links, rows = [], 0
    queries = [f"by={by}" for by in ("area", "unit")]
    seen_subdistricts = False
    while queries:
        query = queries.pop(0)
        response = client.get(reverse("coverage:overview") + f"?period={period}&{query}")
        table_rows = list(response.context["table"].rows)
        rows += len(table_rows)
        cells = _parse(response).cells
        # Eight figures a row: organisations, party organisations, both coverage rates, 入章率 and
        # 交叉任职率, 应建未建, open warnings; six a row by sub-district (party organisations and
        # warnings are not filed by where organisations sit, so those two are not links).
        by_sub = sum(row.record.scope == "subdistrict" for row in table_rows)
        seen_subdistricts |= by_sub > 0
        assert len(cells) == 8 * (len(table_rows) - by_sub) + 6 * by_sub
        links += [(f"overview {query}", cell["href"], int(cell["count"])) for cell in cells]
        # The area pages' half-year tables link their figures the same way, and each
        # district's breakdown by sub-district is one more overview.
        for row in table_rows:
            if row.record.scope == "area" and not row.record.scope_key.endswith("-direct"):
                area_page = client.get(reverse("coverage:area-detail", args=[row.record.area.code]))
                links += [("area page", cell["href"], int(cell["count"])) for cell in _parse(area_page).cells]
                if query.startswith("by=area") and not by_sub:
                    queries.append(f"within={row.record.area.code}")
    # District officials open on their breakdown; the city's users reach every district's.
    assert seen_subdistricts or role == "lawyers_user"
    assert rows, "every role sees at least one row of the overview"
    assert _check(client, links) == []


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("role", ROLES)
def test_every_chart_bar_opens_exactly_its_rows(request, login, history, role, period):
    client = login(request.getfixturevalue(role))
    links = []
    for chart in CHARTS:
        spec = json.loads(client.get(reverse(f"dashboard:chart-{chart}") + f"?period={period}").content)
        assert len(spec["links"]) == len(spec["counts"]) == len(spec["datasets"]), chart
        for dataset_links, counts in zip(spec["links"], spec["counts"], strict=True):
            assert len(dataset_links) == len(counts) == len(spec["labels"]), chart
            links += [(chart, href, count) for href, count in zip(dataset_links, counts, strict=True) if href]
    assert _check(client, links) == []


def test_the_two_half_years_differ(login, staff_user, history):
    client = login(staff_user)

    def figures(period):
        page = _parse(client.get(reverse("home") + f"?period={period}"))
        return {figure["name"]: _expected(figure) for figure in page.figures}

    first, second = figures("2020H1"), figures("2020H2")
    changed = {name for name in first if first[name] != second[name]}
    assert {"organizations", "work_coverage_rate", "uncovered", "open_warnings"} <= changed
    assert (first["organizations"], second["organizations"]) == (10, 11)
    assert (first["work_coverage_rate"], second["work_coverage_rate"]) == (7, 5)
    # C, G and J at the first; C, I and L at the second.
    assert (first["must_establish_not_established"], second["must_establish_not_established"]) == (3, 3)
    # The warnings figure is of its half-year: F's (cleared in September) at the first,
    # the late organisation's (opened in December) at the second; C's (2021) at neither.
    assert (first["open_warnings"], second["open_warnings"]) == (5, 4)


# --------------------------------------------------------------------------
# The lists themselves
# --------------------------------------------------------------------------


def _names(client, url: str) -> set[str]:
    response = client.get(url)
    return {row.record.name for row in response.context["table"].rows}


def test_a_deregistered_organisation_never_counts_as_must_establish(login, beilin_user, history):
    client = login(beilin_user)
    base = reverse("organizations:organization-list") + "?must_establish_not_established=true"
    # Today: K (deregistered in March 2020) and J (in October) are out, as on every figure.
    assert _names(client, base) == {"C 服务中心", "I 协会（2020-09 登记）", "L 律师事务所"}
    # As of 2020H1's end J was active and had no branch; K had gone; I was not yet registered; L had its branch.
    assert _names(client, base + "&period=2020H1") == {"C 服务中心", "J 协会（2020-10 注销）"}
    # The column agrees with the filter: a deregistered organisation is never marked.
    everyone = client.get(reverse("organizations:organization-list") + "?per_page=100")
    marked = {row.record.name for row in everyone.context["table"].rows if row.record.must_establish_not_established}
    assert "K 协会（2020-03 注销）" not in marked and "J 协会（2020-10 注销）" not in marked


def test_coverage_filters_count_only_active_organisations(login, staff_user, history):
    client = login(staff_user)
    uncovered = reverse("organizations:organization-list") + "?coverage=uncovered&per_page=100"
    # K was never covered and is deregistered: it is no uncovered organisation today.
    assert "K 协会（2020-03 注销）" not in _names(client, uncovered)
    work = _names(client, reverse("organizations:organization-list") + "?coverage=work&period=2020H1")
    # M's instructor served until 30 June 2020; E's too (the shared dataset).
    assert {"M 基金会（市本级）", "E 协会", "L 律师事务所"} <= work
    assert "M 基金会（市本级）" not in _names(client, reverse("organizations:organization-list") + "?coverage=work")


def test_the_party_list_as_of_a_half_year(login, staff_user, history):
    client = login(staff_user)
    url = reverse("organizations:party-organization-list")
    first, second = _names(client, url + "?period=2020H1"), _names(client, url + "?period=2020H2")
    assert "L 律所党支部（2020-08 撤销）" in first and "L 律所党支部（2020-08 撤销）" not in second
    assert "G 律所党支部（2020-09 成立）" in second and "G 律所党支部（2020-09 成立）" not in first
    # F's branch was dissolved on 1 January 2020, before either half-year's end.
    assert "F 协会党支部（已撤销）" not in first | second


def test_the_warning_list_as_of_a_half_year(login, staff_user, history):
    client = login(staff_user)
    url = reverse("coverage:warning-list")

    def subjects(query):
        response = client.get(url + query)
        return {row.record.subject_name for row in response.context["table"].rows}

    assert subjects("?period=2020H1") == {
        "F 协会",
        "A 协会党支部",
        "G 律师事务所",
        "L 律所党支部（2020-08 撤销）",
        "M 基金会（市本级）",
    }
    assert subjects("?period=2020H2") == {
        "I 协会（2020-09 登记）",
        "A 协会党支部",
        "L 律所党支部（2020-08 撤销）",
        "M 基金会（市本级）",
    }
    # The city's own warnings (市本级), without the districts'.
    city_pk = history.own.area_id
    assert subjects(f"?period=2020H2&registration_area={city_pk}") == {"M 基金会（市本级）"}
    # Without a half-year: the warnings open now.
    assert "C 服务中心" in subjects("?status=open")
    page = client.get(url + "?period=2020H1").content.decode()
    assert re.search(r'data-as-of="2020-06-30"', page)
