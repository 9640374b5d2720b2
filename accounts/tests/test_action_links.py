"""A button or link is shown exactly when following it succeeds.

Each role walks the site from "/" as a browser would: every internal link in an
``<a href>`` is followed, every GET form is submitted with its current values
and every POST form (the action buttons and edit forms) is posted with its own
values inside a savepoint that is rolled back. Nothing shown to a user may
answer 403, 404 or 500, and no GET may bounce to the login page or off the site.

Here are the records behind every page and what the walk must show;
crawler.py does the walking.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client

from coverage.ledgers import services as ledgers
from coverage.ledgers.imports import services as ledger_import
from coverage.models import EarlyWarning
from coverage.recount import services
from coverage.tests.ledgers.files import csv_bytes, row
from coverage.warnings.scan import warning_scan
from coverage.warnings.services import warning_rectify
from engagement.models import Contribution
from engagement.tests.factories import (
    CommunityFactory,
    ContributionFactory,
    PilotAssignmentFactory,
    PilotCommunityFactory,
    PlaqueAwardFactory,
    TrainingBaseFactory,
    TrainingSessionFactory,
)
from organizations.models import Area, SocialOrganization
from organizations.tests.factories import AreaFactory, PartyOrganizationFactory, SocialOrganizationFactory
from ratings import services as ratings_services
from ratings.models import Evaluation
from ratings.tests.factories import make_evaluation, make_round

from .crawler import MAX_REQUESTS, Crawl, crawl_site, report, shape

pytestmark = pytest.mark.django_db

State = Evaluation.State
ROLES = ("beilin_user", "yanta_user", "lawyers_user", "staff_user", "leader_user")


# --------------------------------------------------------------------------
# The city: at least one row on every kind of page, in every scope
# --------------------------------------------------------------------------


def _organisations(dataset, beilin, yanta, justice, culture) -> SimpleNamespace:
    org = SocialOrganizationFactory
    law = SocialOrganization.Category.LAW_FIRM
    b_law = org(name="碑林律所", area=beilin, supervising_unit=justice, category=law, formal_party_members=4)
    b_culture = org(name="碑林文化协会", area=beilin, supervising_unit=culture, formal_party_members=5)
    y_service = org(
        name="雁塔服务中心",
        area=yanta,
        category=SocialOrganization.Category.SOCIAL_SERVICE,
        formal_party_members=3,
    )
    y_law = org(name="雁塔律所", area=yanta, supervising_unit=justice, category=law)
    party = PartyOrganizationFactory
    return SimpleNamespace(
        b_law=b_law,
        b_culture=b_culture,
        y_service=y_service,
        y_law=y_law,
        # The lawyers' committee sees this Beilin branch through its supervising unit.
        law_party=party(name="碑林律所党支部", area=beilin, supervising_unit=justice, organizations=[b_law]),
        culture_party=party(name="碑林文化协会党支部", area=beilin, organizations=[b_culture]),
        # G 律师事务所's branch: a law-firm party organisation in Yanta under the justice bureau.
        yanta_party=party(name="G 律师事务所党支部", area=yanta, supervising_unit=justice, organizations=[dataset.g]),
        service_party=party(name="雁塔服务中心党支部", area=yanta, organizations=[y_service]),
    )


def _ratings(dataset, orgs, staff_user) -> SimpleNamespace:
    round_2019 = make_round(2019, closed=True, province_total=41)
    round_2020 = make_round(2020, province_total=59)
    evaluations = {
        "p_a_2019": make_evaluation(dataset.p_a, round_2019, state=State.APPROVED, total=75),
        "g_2019": make_evaluation(orgs.yanta_party, round_2019, state=State.CERTIFIED, total=97),
        "law_2019": make_evaluation(orgs.law_party, round_2019, state=State.NOT_CERTIFIED, total=96),
        "p_a": make_evaluation(dataset.p_a, round_2020, state=State.APPROVED, total=85),
        "joint": make_evaluation(dataset.joint, round_2020, state=State.SUBMITTED, total=66),
        "law": make_evaluation(orgs.law_party, round_2020, state=State.DRAFT, total=71),
        "culture": make_evaluation(orgs.culture_party, round_2020, state=State.RETURNED, total=60),
        "g": make_evaluation(orgs.yanta_party, round_2020, state=State.APPROVED, total=95),
        "service": make_evaluation(orgs.service_party, round_2020, state=State.SENT, total=96),
    }
    # Helped side in Beilin, helping side a Yanta law firm under the justice
    # bureau: the lawyers' committee and Yanta see it only through the partner.
    pairing = ratings_services.pairing_create(
        actor=staff_user,
        partner=orgs.yanta_party,
        party_organization=dataset.joint,
        started_on=dt.date(2020, 6, 1),
        goals="规范三会一课",
    )
    return SimpleNamespace(round_2019=round_2019, round_2020=round_2020, pairing=pairing, **evaluations)


def _coverage(beilin_user, yanta_user, lawyers_user, staff_user) -> SimpleNamespace:
    services.recount_run(period="2020H1")
    services.recount_run(period="2020H2")
    warning_scan(today=dt.date(2021, 1, 15))
    warning = EarlyWarning.objects.filter(area__code="610103").order_by("pk").first()
    warning_rectify(
        actor=beilin_user, warning=warning, note="补选书记", started_on=dt.date(2021, 1, 1), due_on=dt.date(2021, 3, 1)
    )
    submitted = ledgers.ledger_submit(actor=beilin_user, period="2020H2", note="碑林台账")
    accepted = ledgers.ledger_accept(
        actor=staff_user, ledger=ledgers.ledger_submit(actor=lawyers_user, period="2020H2", note="律师行业台账")
    )
    returned = ledgers.ledger_return(
        actor=staff_user, ledger=ledgers.ledger_submit(actor=yanta_user, period="2020H1"), reason="补充说明"
    )
    preview, _result = ledger_import.ledger_import_preview(
        actor=beilin_user,
        period=services.period_get(period="2020H2"),
        file_name="ledger.csv",
        content=csv_bytes([row()]),
    )
    return SimpleNamespace(warning=warning, submitted=submitted, accepted=accepted, returned=returned, preview=preview)


def _engagement(orgs, beilin, yanta, nanyuanmen) -> SimpleNamespace:
    baojixiang = CommunityFactory(code="610103-01-01", name="保吉巷社区", parent=nanyuanmen)
    xiaozhai = AreaFactory(code="610113-01", name="小寨路街道", parent=yanta, level=Area.Level.SUBDISTRICT)
    jixiangcun = CommunityFactory(code="610113-01-01", name="吉祥村社区", parent=xiaozhai)
    b_base = TrainingBaseFactory(
        name="碑林基地", area=beilin, host_organization=orgs.b_culture, is_provincial_point=True
    )
    y_base = TrainingBaseFactory(name="雁塔基地", area=yanta, host_organization=orgs.y_law)
    b_pilot = PilotCommunityFactory(community=baojixiang)
    y_pilot = PilotCommunityFactory(community=jixiangcun)
    return SimpleNamespace(
        b_base=b_base,
        y_base=y_base,
        b_session=TrainingSessionFactory(base=b_base, topic="碑林培训", attendees=50, new_secretaries=20),
        y_session=TrainingSessionFactory(base=y_base, topic="雁塔培训", attendees=30, new_secretaries=5),
        b_pilot=b_pilot,
        y_pilot=y_pilot,
        b_assign=PilotAssignmentFactory(organization=orgs.b_culture, community=b_pilot, star_level_at_selection=4),
        b_law_assign=PilotAssignmentFactory(organization=orgs.b_law, community=b_pilot),
        y_assign=PilotAssignmentFactory(organization=orgs.y_law, community=y_pilot),
        b_plaque=PlaqueAwardFactory(organization=orgs.b_culture, community=b_pilot),
        y_plaque=PlaqueAwardFactory(organization=orgs.y_law, community=y_pilot, agreement_signed=False),
        b_contrib=ContributionFactory(
            organization=orgs.b_culture,
            kind=Contribution.Kind.POVERTY,
            made_on=dt.date(2019, 5, 1),
            money_yuan=Decimal("12000.00"),
            people_helped=30,
            description="碑林扶贫",
        ),
        y_contrib=ContributionFactory(
            organization=orgs.y_law, money_yuan=Decimal("5000.00"), description="雁塔律所抗疫"
        ),
        y_service_contrib=ContributionFactory(
            organization=orgs.y_service,
            money_yuan=Decimal("0.00"),
            goods_value_yuan=Decimal("800.00"),
            teams_sent=1,
            is_exemplary_case=True,
            description="雁塔医疗队",
        ),
    )


@pytest.fixture
def city_records(
    dataset, beilin, yanta, nanyuanmen, justice, culture, beilin_user, yanta_user, lawyers_user, staff_user, leader_user
):
    """Records behind every page; every role's user exists before anything is crawled."""
    orgs = _organisations(dataset, beilin, yanta, justice, culture)
    rated = _ratings(dataset, orgs, staff_user)
    engagement = _engagement(orgs, beilin, yanta, nanyuanmen)
    # Recount last, so the snapshots count every organisation above.
    coverage = _coverage(beilin_user, yanta_user, lawyers_user, staff_user)
    return SimpleNamespace(dataset=dataset, orgs=orgs, rated=rated, engagement=engagement, coverage=coverage)


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


def _crawl_as(request, role: str) -> Crawl:
    """Walk the site as the role's user, over the records behind every page."""
    request.getfixturevalue("city_records")
    client = Client(enforce_csrf_checks=False)
    client.force_login(request.getfixturevalue(role))
    return crawl_site(client, role.removesuffix("_user"))


@pytest.mark.parametrize("role", ROLES)
def test_every_link_and_form_shown_answers(request, role):
    crawl = _crawl_as(request, role)
    if crawl.failures:
        pytest.fail(report(crawl.failures), pytrace=False)


def test_the_crawl_covers_every_section_for_staff(request):
    crawl = _crawl_as(request, "staff_user")
    assert not crawl.truncated, f"the crawl stopped at {MAX_REQUESTS} requests"
    shapes = {shape(urlsplit(u).path) for u in crawl.visited}
    assert len(shapes) >= 50, sorted(shapes)
    missing = {
        "/organizations/",
        "/organizations/N/",
        "/organizations/party/N/",
        "/coverage/",
        "/coverage/areas/N/",
        "/coverage/warnings/N/",
        "/coverage/ledgers/N/",
        "/coverage/ledgers/import/N/",
        "/ratings/",
        "/ratings/N/",
        "/ratings/rounds/N/entry/",
        "/ratings/pairings/N/",
        "/engagement/",
        "/engagement/bases/N/",
        "/engagement/pilots/N/",
        "/engagement/plaques/N/",
        "/engagement/contributions/N/",
    } - shapes
    assert not missing, (sorted(missing), sorted(shapes))
    assert {"csv", "xlsx"} <= {dict(parse_qsl(urlsplit(u).query)).get("_export") for u in crawl.visited}
    assert len(crawl.get_forms) >= 10, crawl.get_forms
    posted = {shape(urlsplit(action).path) for _page, action in crawl.post_forms}
    missing = {
        "/coverage/recount/",
        "/coverage/ledgers/N/",
        "/coverage/warnings/N/rectify/",
        "/organizations/N/edit/",
        "/ratings/N/approve/",
        "/ratings/N/certify/",
        "/ratings/rounds/N/entry/",
        "/ratings/pairings/N/edit/",
        "/engagement/bases/N/edit/",
    } - posted
    assert not missing, (sorted(missing), sorted(posted))


def test_leadership_is_shown_no_form_that_writes(request):
    crawl = _crawl_as(request, "leader_user")
    assert not crawl.truncated, f"the crawl stopped at {MAX_REQUESTS} requests"
    assert len({shape(urlsplit(u).path) for u in crawl.visited}) >= 25
    assert crawl.post_forms == [], crawl.post_forms
