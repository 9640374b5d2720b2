from __future__ import annotations

from decimal import Decimal

import pytest

from organizations.models import PartyOrganization
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from ratings import selectors
from ratings.models import Evaluation
from ratings.selectors import Movement
from ratings.tests.factories import make_evaluation, make_round

pytestmark = pytest.mark.django_db

State = Evaluation.State


def _party(area, name):
    return PartyOrganizationFactory(name=name, area=area, organizations=[SocialOrganizationFactory(area=area)])


@pytest.fixture
def promotion(beilin, round_2019, round_2020):
    """Five organisations with 2019 and 2020 ratings that cover every movement."""
    parties = {key: _party(beilin, f"{key} 党支部") for key in ("up", "held", "down", "new", "pending", "cert")}
    make_evaluation(parties["up"], round_2019, state=State.APPROVED, total=65)  # 2★
    make_evaluation(parties["up"], round_2020, state=State.APPROVED, total=75)  # 3★
    make_evaluation(parties["held"], round_2019, state=State.APPROVED, total=85)
    make_evaluation(parties["held"], round_2020, state=State.APPROVED, total=82)
    make_evaluation(parties["down"], round_2019, state=State.CERTIFIED, total=95)  # 5★
    make_evaluation(parties["down"], round_2020, state=State.NOT_CERTIFIED, total=94)  # 4★ stands
    make_evaluation(parties["new"], round_2020, state=State.APPROVED, total=55)
    make_evaluation(parties["pending"], round_2019, state=State.APPROVED, total=72)
    make_evaluation(parties["pending"], round_2020, state=State.SUBMITTED, total=90)
    make_evaluation(parties["cert"], round_2019, state=State.NOT_CERTIFIED, total=92)  # 4★
    make_evaluation(parties["cert"], round_2020, state=State.CERTIFIED, total=96)  # 5★
    return parties


def _movements(round_):
    rows = selectors.evaluation_rows(round_)
    moved = {e.party_organization.name.split()[0]: (e.previous_stars, e.movement) for e in rows}
    # Any round's rows (one evaluation's page) say the same as the one round's list.
    every = selectors.evaluation_rows().filter(round=round_)
    assert {e.party_organization.name.split()[0]: (e.previous_stars, e.movement) for e in every} == moved
    # And the promotion filter picks exactly the rows whose column says so.
    for movement in Movement:
        filtered = selectors.evaluation_rows(round_).filter(selectors.movement_condition(round_, [movement]))
        assert {e.party_organization.name.split()[0] for e in filtered} == {
            name for name, (_stars, m) in moved.items() if m == movement
        }, movement
    return moved


def test_promotion_flags(promotion, round_2020, round_2019):
    assert _movements(round_2020) == {
        "up": (2, Movement.UP),
        "held": (4, Movement.HELD),
        "down": (5, Movement.DOWN),
        "new": (None, Movement.NEW),
        "pending": (3, Movement.PENDING),
        "cert": (4, Movement.UP),
    }
    assert {m for _p, m in _movements(round_2019).values()} == {Movement.NEW}


def test_previous_round_means_the_round_just_before(promotion, round_2020):
    # A 2021 round: 2020 is its previous round; 2019's stars do not leak through a gap.
    round_2021 = make_round(2021)
    make_evaluation(promotion["up"], round_2021, state=State.APPROVED, total=75)
    make_evaluation(promotion["new"], round_2021, state=State.APPROVED, total=75)
    make_evaluation(promotion["pending"], round_2021, state=State.APPROVED, total=75)
    moved = _movements(round_2021)
    assert moved["up"] == (3, Movement.HELD)
    assert moved["new"] == (1, Movement.UP)
    assert moved["pending"] == (None, Movement.NEW)  # undecided in 2020


def test_promotion_is_one_query_for_any_number_of_rows(promotion, round_2020, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = list(selectors.evaluation_rows())
    assert len(rows) == 11
    round_ = selectors.round_or_latest("2020")
    with django_assert_num_queries(1):
        rows = list(selectors.evaluation_rows(round_))
    assert len(rows) == 6


def test_one_round_list_is_that_rounds_rows_by_name(promotion, round_2019, round_2020):
    names = [e.party_organization.name for e in selectors.evaluation_rows(round_2020)]
    assert names == sorted(names) and len(names) == 6
    assert {e.round_id for e in selectors.evaluation_rows(round_2019)} == {round_2019.pk}
    # The first round has no previous one: every decided evaluation is new.
    assert {e.movement for e in selectors.evaluation_rows(round_2019)} == {Movement.NEW}


def test_rounds_know_their_previous_round(round_2019, round_2020):
    make_round(2022)
    previous = {r.year: r.previous_id for r in selectors.rounds_with_previous()}
    assert previous == {2022: round_2020.pk, 2020: round_2019.pk, 2019: None}
    assert selectors.round_or_latest(None).year == 2022
    assert selectors.round_or_latest("2019").previous_id is None
    assert selectors.round_or_latest("1999") is None and selectors.round_or_latest("x") is None


def test_movers_are_the_ups_and_downs_of_a_round(promotion, round_2020):
    names = sorted(e.party_organization.name for e in selectors.movers(round_2020))
    assert names == ["cert 党支部", "down 党支部", "up 党支部"]


def test_round_summary_counts(promotion, round_2020, beilin_user, yanta_user, dataset):
    summary = selectors.round_summary(round_2020, Evaluation.objects.all())
    assert summary["evaluations"] == 6
    assert summary["decided"] == 5
    # held (4, approved) and down (not certified: four stars stand); cert is five-star.
    assert summary["four_star_named"] == 2
    assert summary["five_star_certified"] == 1
    assert summary["sent_to_province"] == 2
    assert dict(summary["by_stars"]) == {5: 1, 4: 2, 3: 1, 2: 0, 1: 1}
    assert summary["province_share"] == Decimal("0.0169")  # 1 / 59
    # Scoped: Yanta has none of these.
    assert selectors.round_summary(round_2020, Evaluation.objects.for_user(yanta_user))["evaluations"] == 0
    assert selectors.round_summary(round_2020, Evaluation.objects.for_user(beilin_user))["evaluations"] == 6


def test_share_of_the_province_needs_its_total(promotion, round_2020):
    round_2020.province_five_star_total = None
    assert selectors.round_summary(round_2020, Evaluation.objects.all())["province_share"] is None


def test_summary_by_area(promotion, round_2020, yanta):
    make_evaluation(_party(yanta, "雁塔 党支部"), round_2020, state=State.APPROVED, total=88)
    rows = {r["area_name"]: r for r in selectors.round_summary_by_area(round_2020, Evaluation.objects.all())}
    assert rows["碑林区"]["evaluations"] == 6 and rows["碑林区"]["five_star_certified"] == 1
    assert rows["雁塔区"]["four_star_named"] == 1 and rows["雁塔区"]["stars_4"] == 1


def test_ratable_party_organisations(dataset):
    names = set(selectors.ratable_party_organizations().values_list("name", flat=True))
    # p_f is dissolved; p_h covers only the deregistered H.
    assert names == {"A 协会党支部", "B、C 联合党支部"}


def test_standing_for_pairing(promotion, round_2020):
    parties = PartyOrganization.objects.filter(pk__in=[p.pk for p in promotion.values()])
    partners = {p.name.split()[0]: p.latest_stars for p in selectors.pairing_partners(parties)}
    assert partners == {"up": 3, "held": 4, "down": 4, "cert": 5, "pending": 3}
    candidates = {p.name.split()[0] for p in selectors.pairing_candidates(parties)}
    assert candidates == {"new"}
