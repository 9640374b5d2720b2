"""Evaluations: scores and their history, and the rules each move of the
workflow applies (the transition table itself is test_workflow's)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organizations.models import PartyOrganization
from ratings import services
from ratings.models import Evaluation, EvaluationEvent, Score
from ratings.tests.factories import make_evaluation, points_for
from xian_partybuild import clock

pytestmark = pytest.mark.django_db

State = Evaluation.State


def _score(actor, round_, party, total=None, points=None, evidence=None):
    points = points if points is not None else points_for(round_, total)
    return services.evaluation_score(
        actor=actor, round_=round_, party_organization=party, points=points, evidence=evidence
    )


# --------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------


def test_scores_compute_and_store_total_and_stars(staff_user, law_party, round_2020):
    evaluation, changed = _score(staff_user, round_2020, law_party, total=92, evidence="三会一课记录完整")
    assert changed and evaluation.state == State.DRAFT
    evaluation.refresh_from_db()
    assert (evaluation.total, evaluation.stars, evaluation.final_stars) == (92, 5, None)
    assert sum(evaluation.scores.values_list("points", flat=True)) == 92
    assert evaluation.evidence == "三会一课记录完整"


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (0, True),
        (10, True),
        ("10", True),
        (" 7 ", True),
        (11, False),
        (-1, False),
        ("8.5", False),
        ("abc", False),
        ("", False),
        (None, False),
        (True, False),
    ],
)
def test_score_must_be_a_whole_number_within_the_item_range(staff_user, law_party, round_2020, value, valid):
    points = points_for(round_2020, 80)
    points["setup"] = value  # setup: 0–10
    if valid:
        evaluation, _ = _score(staff_user, round_2020, law_party, points=points)
        assert evaluation.scores.get(item__code="setup").points == int(str(value).strip())
    else:
        with pytest.raises(ValidationError) as excinfo:
            _score(staff_user, round_2020, law_party, points=points)
        assert list(excinfo.value.message_dict) == ["setup"]
        assert not Evaluation.objects.exists()


def test_every_item_needs_a_score(staff_user, law_party, round_2020):
    points = points_for(round_2020, 80)
    del points["life"]
    with pytest.raises(ValidationError) as excinfo:
        _score(staff_user, round_2020, law_party, points=points)
    assert "life" in excinfo.value.message_dict


def test_one_evaluation_per_round_rescoring_updates_it(staff_user, law_party, round_2020):
    first, _ = _score(staff_user, round_2020, law_party, total=70)
    second, _ = _score(staff_user, round_2020, law_party, total=82)
    assert first.pk == second.pk
    assert Evaluation.objects.filter(party_organization=law_party).count() == 1
    assert Score.objects.filter(evaluation=first).count() == 7


# --------------------------------------------------------------------------
# History
# --------------------------------------------------------------------------


def test_every_change_of_scores_or_state_is_kept_with_who_and_when(staff_user, beilin_user, law_party, round_2020):
    points = points_for(round_2020, 84)
    evaluation, _ = _score(beilin_user, round_2020, law_party, points=points)
    unchanged, changed = _score(beilin_user, round_2020, law_party, points=points)
    assert not changed
    points["setup"] -= 1
    _score(beilin_user, round_2020, law_party, points=points, evidence="补充了台账")
    services.evaluation_submit(actor=beilin_user, evaluation=evaluation)
    services.evaluation_return(actor=staff_user, evaluation=evaluation, reason="请补充作用发挥材料")
    services.evaluation_submit(actor=beilin_user, evaluation=evaluation)
    services.evaluation_approve(actor=staff_user, evaluation=evaluation)

    events = list(EvaluationEvent.objects.filter(evaluation=evaluation).order_by("at", "pk"))
    assert [(e.action, e.from_state, e.to_state, e.actor.username) for e in events] == [
        ("created", "", "draft", "beilin"),
        ("scored", "draft", "draft", "beilin"),
        ("submit", "draft", "submitted", "beilin"),
        ("return", "submitted", "returned", "staff"),
        ("submit", "returned", "submitted", "beilin"),
        ("approve", "submitted", "approved", "staff"),
    ]
    assert events[0].changes["setup"] == [None, points["setup"] + 1]
    assert events[1].changes == {"setup": [points["setup"] + 1, points["setup"]]}
    assert (events[1].total, events[1].stars) == (83, 4)
    assert events[3].note == "请补充作用发挥材料"
    assert all(e.at is not None for e in events)


# --------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------


def test_dissolved_party_organisation_cannot_be_rated(staff_user, dataset, round_2020):
    with pytest.raises(ValidationError) as excinfo:
        _score(staff_user, round_2020, dataset.p_f, total=80)
    assert dataset.p_f.name in excinfo.value.messages[0]


def test_party_organisation_covering_only_deregistered_organisations_cannot_be_rated(staff_user, dataset, round_2020):
    with pytest.raises(ValidationError) as excinfo:
        _score(staff_user, round_2020, dataset.p_h, total=80)
    assert dataset.p_h.name in excinfo.value.messages[0]


def test_dissolution_after_submission_blocks_approval(staff_user, law_party, round_2020):
    evaluation = make_evaluation(law_party, round_2020, state=State.SUBMITTED, total=75)
    PartyOrganization.objects.filter(pk=law_party.pk).update(status="dissolved", dissolved_on=dt.date(2020, 11, 1))
    with pytest.raises(ValidationError):
        services.evaluation_approve(actor=staff_user, evaluation=evaluation)


def test_a_closed_round_accepts_no_changes(staff_user, law_party, round_2019):
    with pytest.raises(ValidationError) as excinfo:
        _score(staff_user, round_2019, law_party, total=80)
    assert "2019" in excinfo.value.messages[0]
    evaluation = make_evaluation(law_party, round_2019, state=State.SUBMITTED)
    with pytest.raises(ValidationError):
        services.evaluation_approve(actor=staff_user, evaluation=evaluation)
    evaluation.refresh_from_db()
    assert evaluation.state == State.SUBMITTED


@pytest.mark.parametrize(("total", "final"), [(55, 1), (65, 2), (75, 3), (85, 4), (95, 4)])
def test_the_city_approves_one_to_four_stars(staff_user, law_party, round_2020, total, final):
    evaluation = make_evaluation(law_party, round_2020, state=State.SUBMITTED, total=total)
    evaluation = services.evaluation_approve(actor=staff_user, evaluation=evaluation)
    assert evaluation.final_stars == final


def test_below_one_star_cannot_be_approved(staff_user, law_party, round_2020):
    round_2020.thresholds.filter(stars=1).update(min_total=40)
    evaluation = make_evaluation(law_party, round_2020, state=State.SUBMITTED, total=30)
    assert evaluation.stars == 0
    with pytest.raises(ValidationError):
        services.evaluation_approve(actor=staff_user, evaluation=evaluation)


def test_five_stars_need_city_approval_at_four_or_more(staff_user, law_party, round_2020):
    # Not approved yet: the message names the rule, not just the state.
    submitted = make_evaluation(law_party, round_2020, state=State.SUBMITTED, total=95)
    with pytest.raises(ValidationError) as excinfo:
        services.evaluation_send_to_province(actor=staff_user, evaluation=submitted, on=dt.date(2020, 12, 10))
    assert "four stars" in excinfo.value.messages[0] or "四星" in excinfo.value.messages[0]


def test_approved_at_three_cannot_go_to_the_province(staff_user, law_party, round_2020):
    # A five-star score the city approved at three stars (say after correcting it).
    evaluation = make_evaluation(law_party, round_2020, state=State.APPROVED, total=95, final_stars=3)
    with pytest.raises(ValidationError):
        services.evaluation_send_to_province(actor=staff_user, evaluation=evaluation, on=dt.date(2020, 12, 10))


def test_a_four_star_score_does_not_go_to_the_province(staff_user, law_party, round_2020):
    evaluation = make_evaluation(law_party, round_2020, state=State.APPROVED, total=85)
    with pytest.raises(ValidationError):
        services.evaluation_send_to_province(actor=staff_user, evaluation=evaluation, on=dt.date(2020, 12, 10))


def test_province_certifies_five_stars_or_four_stand(staff_user, law_party, dataset, round_2020):
    evaluation = make_evaluation(law_party, round_2020, state=State.APPROVED, total=95)
    evaluation = services.evaluation_send_to_province(actor=staff_user, evaluation=evaluation, on=dt.date(2020, 12, 10))
    assert evaluation.state == State.SENT and evaluation.final_stars == 4
    with pytest.raises(ValidationError):
        services.evaluation_certify(actor=staff_user, evaluation=evaluation, certified=True, on=dt.date(2020, 12, 1))
    evaluation = services.evaluation_certify(
        actor=staff_user, evaluation=evaluation, certified=True, on=dt.date(2020, 12, 28), note="省级验收通过"
    )
    assert (evaluation.state, evaluation.final_stars, evaluation.province_result_on) == (
        State.CERTIFIED,
        5,
        dt.date(2020, 12, 28),
    )
    other = make_evaluation(dataset.p_a, round_2020, state=State.SENT, total=93, final_stars=4)
    other = services.evaluation_certify(actor=staff_user, evaluation=other, certified=False, on=dt.date(2020, 12, 28))
    assert (other.state, other.final_stars) == (State.NOT_CERTIFIED, 4)


def test_result_dates_cannot_be_in_the_future(staff_user, law_party, round_2020):
    evaluation = make_evaluation(law_party, round_2020, state=State.APPROVED, total=95)
    with pytest.raises(ValidationError):
        services.evaluation_send_to_province(
            actor=staff_user, evaluation=evaluation, on=clock.today() + dt.timedelta(days=3)
        )


def test_return_needs_a_reason(staff_user, law_party, round_2020):
    evaluation = make_evaluation(law_party, round_2020, state=State.SUBMITTED)
    with pytest.raises(ValidationError) as excinfo:
        services.evaluation_return(actor=staff_user, evaluation=evaluation, reason="  ")
    assert "reason" in excinfo.value.message_dict


def test_submit_needs_scores(beilin_user, law_party, round_2020):
    evaluation = Evaluation.objects.create(round=round_2020, party_organization=law_party)
    with pytest.raises(ValidationError):
        services.evaluation_submit(actor=beilin_user, evaluation=evaluation)


def test_districts_score_only_their_own_party_organisations(yanta_user, lawyers_user, law_party, dataset, round_2020):
    with pytest.raises(PermissionDenied):
        _score(yanta_user, round_2020, law_party, total=80)
    # The lawyers' committee answers for the Beilin law firm's branch, not for A 协会's.
    _score(lawyers_user, round_2020, law_party, total=80)
    with pytest.raises(PermissionDenied):
        _score(lawyers_user, round_2020, dataset.p_a, total=80)


def test_leadership_only_reads(leader_user, law_party, round_2020):
    with pytest.raises(PermissionDenied):
        _score(leader_user, round_2020, law_party, total=80)
