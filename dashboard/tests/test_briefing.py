"""The half-year briefing: its figures and its sentences, checked against
figures this test works out from the records it creates (below), after
recounting both half-years of 2020 with the recount service."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from coverage.models import EarlyWarning, Period
from coverage.recount.services import recount_run
from dashboard.leadership.briefing import briefing
from organizations.models import PartyOrganization
from organizations.tests.factories import (
    InstructorAssignmentFactory,
    PartyOrganizationFactory,
    SocialOrganizationFactory,
)
from ratings.models import Evaluation
from ratings.tests.factories import make_evaluation, make_round

pytestmark = pytest.mark.django_db

BRIEFING = reverse("dashboard:briefing")
Rule = EarlyWarning.Rule


def rate(part: int, whole: int) -> Decimal:
    """The recount's rate: four places, half up."""
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def pct(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def points(change: Decimal) -> str:
    return f"{(abs(change) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}"


def _warning(record, rule, opened_on, closed_on=None):
    kind = "party" if isinstance(record, PartyOrganization) else "org"
    return EarlyWarning.objects.create(
        rule=rule,
        subject_key=f"{kind}:{record.pk}",
        area=record.area,
        opened_on=opened_on,
        closed_on=closed_on,
        status=EarlyWarning.Status.OPEN if closed_on is None else EarlyWarning.Status.CLOSED,
        **({"party_organization": record} if kind == "party" else {"organization": record}),
    )


@pytest.fixture
def city_2020(beilin, yanta):
    """Beilin: b1 (5 members, own branch since 2019), b2 (4 members, own branch
    from September 2020: 应建未建 at 2020H1's end), b3 (no members, an instructor
    all 2020), b4 (1 member, nothing). Yanta: y1 (3 members, no branch, an
    instructor: 应建未建 throughout), y2 (in a joint branch since 2019), y3 (nothing)."""
    org = SocialOrganizationFactory
    r = SimpleNamespace(
        b1=org(name="b1 协会", area=beilin, formal_party_members=5),
        b2=org(name="b2 协会", area=beilin, formal_party_members=4),
        b3=org(name="b3 协会", area=beilin),
        b4=org(name="b4 协会", area=beilin, formal_party_members=1),
        y1=org(name="y1 协会", area=yanta, formal_party_members=3),
        y2=org(name="y2 协会", area=yanta),
        y3=org(name="y3 协会", area=yanta),
    )
    r.p1 = PartyOrganizationFactory(name="b1 党支部", area=beilin, organizations=[r.b1])
    PartyOrganizationFactory(name="b2 党支部", area=beilin, organizations=[r.b2], established_on=dt.date(2020, 9, 1))
    r.p2 = PartyOrganizationFactory(
        name="y 联合党支部", area=yanta, organizations=[r.y2], formation=PartyOrganization.Formation.JOINT
    )
    InstructorAssignmentFactory(organization=r.b3, started_on=dt.date(2020, 1, 1))
    InstructorAssignmentFactory(organization=r.y1, started_on=dt.date(2019, 6, 1))
    # Open at 2020H1's end: y1's and b2's; at 2020H2's end: y1's, b3's and b4's.
    _warning(r.y1, Rule.MUST_ESTABLISH, dt.date(2020, 3, 1))
    _warning(r.b2, Rule.MUST_ESTABLISH, dt.date(2020, 2, 1), closed_on=dt.date(2020, 9, 2))
    _warning(r.b3, Rule.MUST_ESTABLISH, dt.date(2020, 11, 1))
    _warning(r.b4, Rule.NO_SETUP_CONTACT, dt.date(2020, 10, 1))
    round_2020 = make_round(2020, province_total=10)
    make_evaluation(r.p1, round_2020, state=Evaluation.State.CERTIFIED, total=95)
    make_evaluation(r.p2, round_2020, state=Evaluation.State.APPROVED, total=85, final_stars=4)
    recount_run(period="2020H1")
    recount_run(period="2020H2")
    return r


def _brief(client, period="2020H2"):
    response = client.get(BRIEFING + f"?period={period}")
    assert response.status_code == 200
    return response.context["brief"]


def _english(user, period="2020H2"):
    """The briefing as the selector writes it in English (the pages speak the user's language)."""
    half = Period.objects.get(year=2020, half=int(period[-1]))
    previous = Period.objects.filter(year=2020, half=1).first() if period.endswith("H2") else None
    with translation.override("en"):
        return briefing(user, half, previous)


def test_city_sentences(leader_user, city_2020):
    # Worked out from the records above: 7 organisations; organisationally
    # covered b1, y2 (H1) and b2 too (H2); work covered also b3, y1.
    org_h1, org_h2 = rate(2, 7), rate(3, 7)
    work_h1, work_h2 = rate(4, 7), rate(5, 7)
    four = Evaluation.objects.filter(final_stars=4).count()
    five = Evaluation.objects.filter(state=Evaluation.State.CERTIFIED).count()
    beilin_org, yanta_org = rate(2, 4), rate(1, 3)
    brief = _english(leader_user)
    with translation.override("en"):
        most = str(Rule.MUST_ESTABLISH.label)
    assert brief.sentences == [
        f"Work coverage {pct(work_h2)}, up {points(work_h2 - work_h1)} percentage points on the previous half-year; "
        f"organisational coverage {pct(org_h2)}, up {points(org_h2 - org_h1)} percentage points on the previous "
        "half-year.",
        "Must establish a party organisation but have not: 1, in 雁塔区 (1).",
        f"Open early warnings: 3 (up 1 on the previous half-year); the most frequent: {most} (2).",
        f"Rating round 2020: {four} four-star organisations named by the city, "
        f"{five} five-star certified by the province.",
        f"Organisational coverage is highest in 碑林区 ({pct(beilin_org)}) and lowest in 雁塔区 ({pct(yanta_org)}).",
    ]
    assert (four, five) == (1, 1)


def test_district_sentences_in_chinese(login, beilin_user, city_2020):
    # Beilin: 4 organisations; org. covered b1 (H1), b1 and b2 (H2); work covered also b3.
    brief = _brief(login(beilin_user))
    org_h1, org_h2 = rate(1, 4), rate(2, 4)
    work_h1, work_h2 = rate(2, 4), rate(3, 4)
    assert brief.sentences[0] == (
        f"工作覆盖率{pct(work_h2)}，较上半年提高{points(work_h2 - work_h1)}个百分点；"
        f"组织覆盖率{pct(org_h2)}，较上半年提高{points(org_h2 - org_h1)}个百分点。"
    )
    # b2 got its branch in September: no 应建未建 left in Beilin.
    assert brief.sentences[1] == "无应建未建社会组织。"
    # Beilin's own warnings, not the city's: b2's open at 2020H1's end; b3's and b4's at 2020H2's
    # (one of each rule, so either may be named the most frequent).
    assert brief.sentences[2] in {
        f"未消除预警2条（较上半年增加1），最多的是“{rule.label}”（1条）。"
        for rule in (Rule.MUST_ESTABLISH, Rule.NO_SETUP_CONTACT)
    }
    # Beilin's stars only: b1's branch certified five-star; the four-star branch is Yanta's.
    assert brief.sentences[3] == "2020年度评星：市级命名四星级0个，省级认定五星级1个。"
    assert len(brief.sentences) == 5  # coverage, 应建未建, warnings, stars, the ledger
    assert brief.sentences[4] == "本半年度台账已报送0/1个。"


def test_coverage_that_stayed(yanta_user, city_2020):
    brief = _english(yanta_user)
    # Yanta: y2 covered, y1 by its instructor, y3 neither, in both half-years.
    assert brief.sentences[0] == (
        f"Work coverage stayed at {pct(rate(2, 3))}; organisational coverage stayed at {pct(rate(1, 3))}."
    )
    assert brief.sentences[1] == (
        "Must establish a party organisation but have not: 1 (unchanged on the previous half-year)."
    )


def test_briefing_figures_and_scope(login, leader_user, beilin_user, city_2020):
    leader = _brief(login(leader_user))
    figures = {f.name: (f.a, f.b) for f in leader.figures}
    assert figures["organizations"] == (7, 7)
    assert figures["open_warnings"] == (2, 3)
    assert [(w.label, w.area, w.count) for w in leader.top_warnings][0] == (Rule.MUST_ESTABLISH.label, "碑林区", 1)
    client = login(beilin_user)
    for query in ("?period=2020H2", "?period=2020H1", "?period=2020H2&area=yanta"):
        response = client.get(BRIEFING + query)
        assert "雁塔" not in response.content.decode()
        brief = response.context["brief"]
        assert [row.label for row in brief.league.rows] == ["碑林区"]
        assert {w.area for w in brief.top_warnings} <= {"碑林区"}


def test_briefing_query_count_does_not_grow(login, leader_user, city_2020, beilin, django_assert_num_queries):
    client = login(leader_user)
    with django_assert_num_queries(16):
        client.get(BRIEFING)
    SocialOrganizationFactory.create_batch(20, area=beilin, formal_party_members=3)
    recount_run(period="2020H2")
    with django_assert_num_queries(16):
        client.get(BRIEFING)
