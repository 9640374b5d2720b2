"""The demo seed reproduces the source's rating figures from its own records."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command

from conftest import demo_seeded_once
from organizations.demo import step_rng
from ratings import demo, selectors, services
from ratings.models import Evaluation, EvaluationEvent, Pairing, Round, Score
from ratings.selectors import Movement

# Every test sees the demo (whichever run first), and writes inside its own transaction.
seeded = demo_seeded_once("--demo-users")
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def test_2020_ends_with_46_four_star_and_17_five_star_of_59(seeded):
    round_2020 = Round.objects.get(year=2020)
    summary = selectors.round_summary(round_2020, Evaluation.objects.all())
    assert summary["four_star_named"] == 46
    assert summary["five_star_certified"] == 17
    assert summary["province_five_star_total"] == 59
    assert f"{summary['province_share']:.1%}" == "28.8%"
    # A realistic spread below: many more at one to three stars than above.
    by_stars = dict(summary["by_stars"])
    assert by_stars[3] > by_stars[4] and by_stars[2] > by_stars[3] and by_stars[1] > 100
    assert sum(by_stars.values()) == summary["decided"]
    # Some of 2020 is still in progress.
    states = {state.value: count for state, count in summary["by_state"]}
    assert states["submitted"] > 0 and states["returned"] > 0 and states["draft"] > 0
    assert states["not_certified"] > 0
    # Seeding takes seconds, so one seeded test checks the rest too.
    _check_rounds_history_and_promotion()
    _check_only_ratable_party_organisations_are_rated()
    _check_pairings_follow_the_rule()


def _check_rounds_history_and_promotion():
    assert dict(Round.objects.values_list("year", "status")) == {2019: "closed", 2020: "open"}
    round_2019 = Round.objects.get(year=2019)
    assert set(Evaluation.objects.filter(round=round_2019).values_list("state", flat=True)) <= set(
        Evaluation.FINAL_STATES
    )
    movement = Counter(selectors.evaluation_rows(Round.objects.get(year=2020)).values_list("movement", flat=True))
    assert movement[Movement.HELD] > movement[Movement.UP] > movement[Movement.DOWN] > 0
    assert movement[Movement.NEW] > 0 and movement[Movement.PENDING] > 0
    assert selectors.movers(Round.objects.get(year=2020)).count() == movement[Movement.UP] + movement[Movement.DOWN]
    # Every evaluation has a history; its last entry is its state, and scores add up to the total.
    evaluations = Evaluation.objects.count()
    assert EvaluationEvent.objects.values("evaluation").distinct().count() == evaluations
    assert Score.objects.count() == evaluations * 7
    for evaluation in Evaluation.objects.order_by("pk")[::20]:
        assert evaluation.events.order_by("at", "pk").last().to_state == evaluation.state
        assert sum(evaluation.scores.values_list("points", flat=True)) == evaluation.total
        thresholds = evaluation.round.thresholds.values_list("stars", "min_total")
        assert services.stars_for(evaluation.total, thresholds) == evaluation.stars


def _check_only_ratable_party_organisations_are_rated():
    ratable = set(selectors.ratable_party_organizations().values_list("pk", flat=True))
    rated = set(Evaluation.objects.values_list("party_organization_id", flat=True))
    assert rated <= ratable


def _check_pairings_follow_the_rule():
    pairings = list(Pairing.objects.select_related("partner", "party_organization"))
    assert len(pairings) >= 60
    for pairing in pairings:
        reason, _stars = services.pairing_reason(pairing.party_organization)
        assert reason == pairing.reason
    partners = {
        p.pk: p.latest_stars
        for p in selectors.pairing_partners(
            selectors.ratable_party_organizations().filter(pk__in=[p.partner_id for p in pairings])
        )
    }
    assert all(partners[p.partner_id] == p.partner_stars >= 3 for p in pairings)


def test_rerun_creates_nothing_and_the_plan_is_deterministic(seeded):
    counts = (Round.objects.count(), Evaluation.objects.count(), Score.objects.count(), Pairing.objects.count())
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "ratings.evaluations: skipped" in out.getvalue()
    assert (Round.objects.count(), Evaluation.objects.count(), Score.objects.count(), Pairing.objects.count()) == counts
    # Planning again from the same records gives exactly what was written.
    rounds = {r.year: r for r in Round.objects.all()}
    _items, standards = demo.standards_of(rounds)
    planned = demo.plan_evaluations(step_rng("ratings.evaluations"), list(demo.rated_party_organizations()), standards)
    assert sorted((p.party.pk, p.year, p.state, p.stars, p.final_stars, sum(p.points)) for p in planned) == sorted(
        Evaluation.objects.values_list("party_organization_id", "round__year", "state", "stars", "final_stars", "total")
    )
