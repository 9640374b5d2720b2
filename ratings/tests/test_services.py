from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coverage.models import EarlyWarning
from organizations.models import PartyOrganization
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from ratings import services
from ratings.models import (
    Criterion,
    Evaluation,
    EvaluationEvent,
    Pairing,
    Round,
    RoundItem,
    Score,
    StarThreshold,
)
from ratings.tests.factories import make_evaluation, points_for

pytestmark = pytest.mark.django_db

State = Evaluation.State


def _score(actor, round_, party, total=None, points=None, evidence=None):
    points = points if points is not None else points_for(round_, total)
    return services.evaluation_score(
        actor=actor, round_=round_, party_organization=party, points=points, evidence=evidence
    )


# --------------------------------------------------------------------------
# The standard and rounds
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "stars"), [(0, 1), (59, 1), (60, 2), (69, 2), (70, 3), (79, 3), (80, 4), (89, 4), (90, 5), (100, 5)]
)
def test_default_thresholds(total, stars, round_2020):
    thresholds = list(round_2020.thresholds.values_list("stars", "min_total"))
    assert services.stars_for(total, thresholds) == stars


def test_below_the_one_star_threshold_is_zero_stars():
    assert services.stars_for(39, [(1, 40), (2, 60)]) == 0


def test_default_standard_is_100_points_over_seven_items(round_2020):
    items = list(round_2020.items.values_list("code", "max_points"))
    assert [code for code, _ in items] == ["setup", "leadership", "life", "members", "records", "role", "development"]
    assert sum(points for _, points in items) == 100


def test_criteria_defaults_are_recreated_after_a_flush():
    Criterion.objects.all().delete()
    StarThreshold.objects.all().delete()
    assert services.criteria_ensure_defaults() == 12
    assert services.criteria_ensure_defaults() == 0


def test_round_keeps_the_standard_it_was_created_with(staff_user, law_party, round_2020):
    evaluation, _ = _score(staff_user, round_2020, law_party, total=85)
    assert evaluation.stars == 4
    # The administrators tighten the standard afterwards.
    Criterion.objects.filter(code="role").update(max_points=30, name="作用发挥（新）")
    Criterion.objects.filter(code="development").update(is_active=False)
    StarThreshold.objects.filter(stars=4).update(min_total=88)
    StarThreshold.objects.filter(stars=5).update(min_total=95)

    round_2020.refresh_from_db()
    assert dict(round_2020.items.values_list("code", "max_points"))["role"] == 20
    assert dict(round_2020.thresholds.values_list("stars", "min_total"))[4] == 80
    # Re-scoring in 2020 still uses 2020's copy: same total, same stars.
    evaluation, _ = _score(staff_user, round_2020, law_party, points=points_for(round_2020, 85, seed=2))
    assert (evaluation.total, evaluation.stars) == (85, 4)
    # A new round freezes the new standard.
    round_2021 = services.round_create(actor=staff_user, year=2021)
    assert dict(round_2021.items.values_list("code", "max_points"))["role"] == 30
    assert "development" not in set(round_2021.items.values_list("code", flat=True))
    assert dict(round_2021.thresholds.values_list("stars", "min_total"))[4] == 88


def test_freezing_twice_copies_once(round_2020):
    services.round_freeze_criteria(round_=round_2020)
    assert RoundItem.objects.filter(round=round_2020).count() == 7


def test_round_create_is_for_staff_and_once_per_year(staff_user, beilin_user, round_2020):
    with pytest.raises(PermissionDenied):
        services.round_create(actor=beilin_user, year=2021)
    with pytest.raises(ValidationError) as excinfo:
        services.round_create(actor=staff_user, year=2020)
    assert "year" in excinfo.value.message_dict


def test_round_create_refuses_an_unreachable_standard(staff_user, round_2020):
    StarThreshold.objects.filter(stars=5).update(min_total=101)
    with pytest.raises(ValidationError):
        services.round_create(actor=staff_user, year=2021)
    StarThreshold.objects.filter(stars=5).update(min_total=70)
    with pytest.raises(ValidationError):
        services.round_create(actor=staff_user, year=2021)


def test_round_update_closes_and_reopens(staff_user, round_2020):
    round_ = services.round_update(actor=staff_user, round_=round_2020, province_five_star_total=60, status="closed")
    assert round_.status == Round.Status.CLOSED and round_.closed_at and round_.province_five_star_total == 60
    round_ = services.round_update(actor=staff_user, round_=round_, province_five_star_total=60, status="open")
    assert round_.is_open and round_.closed_at is None


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
            actor=staff_user, evaluation=evaluation, on=dt.date.today() + dt.timedelta(days=3)
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


# --------------------------------------------------------------------------
# Pairing (结对共建, 扶弱帮差)
# --------------------------------------------------------------------------


@pytest.fixture
def standings(dataset, law_party, round_2019, round_2020, beilin):
    """p_a: 4★ in 2020; law_party: 3★ in 2019, 2★ in 2020; joint: 3★ in 2020; fresh: unrated."""
    make_evaluation(dataset.p_a, round_2020, state=State.APPROVED, total=85)
    make_evaluation(law_party, round_2019, state=State.APPROVED, total=75)
    make_evaluation(law_party, round_2020, state=State.APPROVED, total=65)
    make_evaluation(dataset.joint, round_2020, state=State.APPROVED, total=72)
    org = SocialOrganizationFactory(name="新社会组织", area=beilin)
    fresh = PartyOrganizationFactory(name="新成立党支部", area=beilin, organizations=[org])
    return dataset.p_a, law_party, dataset.joint, fresh


def _pair(actor, partner, helped, **extra):
    fields = {"started_on": dt.date(2020, 6, 1), "goals": "规范三会一课"} | extra
    return services.pairing_create(actor=actor, partner=partner, party_organization=helped, **fields)


def test_three_stars_pair_with_two_stars_or_unrated(staff_user, standings):
    four, two, three, fresh = standings
    pairing = _pair(staff_user, four, two)
    assert (pairing.partner_stars, pairing.reason) == (4, Pairing.Reason.LOW_STARS)
    pairing = _pair(staff_user, three, fresh)
    assert (pairing.partner_stars, pairing.reason) == (3, Pairing.Reason.UNRATED)


def test_partner_needs_three_stars_in_its_latest_decided_round(staff_user, standings):
    four, two, three, fresh = standings
    # law_party had 3★ in 2019 but 2★ in 2020: its latest decides.
    with pytest.raises(ValidationError) as excinfo:
        _pair(staff_user, two, fresh)
    assert "partner" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        _pair(staff_user, fresh, two)  # unrated partner


def test_an_undecided_evaluation_does_not_change_the_standing(staff_user, standings, round_2020):
    four, two, three, fresh = standings
    Evaluation.objects.filter(party_organization=two, round=round_2020).update(state="submitted", final_stars=None)
    # Now law_party's latest decided rating is 2019's 3★: it may lead a pairing.
    assert _pair(staff_user, two, fresh).partner_stars == 3


def test_the_helped_one_must_be_weak(staff_user, standings):
    four, two, three, fresh = standings
    with pytest.raises(ValidationError) as excinfo:
        _pair(staff_user, four, three)
    assert "party_organization" in excinfo.value.message_dict


def test_an_open_early_warning_makes_a_three_star_organisation_weak(staff_user, standings, beilin):
    four, two, three, fresh = standings
    EarlyWarning.objects.create(
        rule=EarlyWarning.Rule.SECRETARY_VACANT,
        subject_key=f"party:{three.pk}",
        party_organization=three,
        area=beilin,
        opened_on=dt.date(2020, 10, 1),
    )
    assert _pair(staff_user, four, three).reason == Pairing.Reason.WARNING


def test_a_closed_warning_does_not_count(staff_user, standings, beilin):
    four, two, three, fresh = standings
    EarlyWarning.objects.create(
        rule=EarlyWarning.Rule.SECRETARY_VACANT,
        subject_key=f"party:{three.pk}",
        party_organization=three,
        area=beilin,
        opened_on=dt.date(2020, 10, 1),
        status=EarlyWarning.Status.CLOSED,
        closed_on=dt.date(2020, 11, 1),
    )
    with pytest.raises(ValidationError):
        _pair(staff_user, four, three)


def test_no_pairing_with_itself_twice_or_with_dissolved(staff_user, standings, dataset):
    four, two, three, fresh = standings
    with pytest.raises(ValidationError):
        _pair(staff_user, four, four)
    _pair(staff_user, four, two)
    with pytest.raises(ValidationError):
        _pair(staff_user, four, two)
    with pytest.raises(ValidationError):
        _pair(staff_user, four, dataset.p_f)


def test_pairing_needs_goals_and_scope(standings, yanta_user, leader_user, staff_user):
    four, two, three, fresh = standings
    with pytest.raises(ValidationError):
        _pair(staff_user, four, two, goals=" ")
    with pytest.raises(PermissionDenied):
        _pair(yanta_user, four, two)
    with pytest.raises(PermissionDenied):
        _pair(leader_user, four, two)


def test_pairing_progress_and_end(staff_user, standings):
    four, two, three, fresh = standings
    pairing = _pair(staff_user, four, two)
    pairing = services.pairing_update(
        actor=staff_user, pairing=pairing, progress_notes="联合开展主题党日", status=Pairing.Status.COMPLETED
    )
    assert pairing.ended_on is not None and pairing.progress_notes == "联合开展主题党日"
    with pytest.raises(ValidationError):
        services.pairing_update(
            actor=staff_user,
            pairing=pairing,
            progress_notes="",
            status=Pairing.Status.ENDED,
            ended_on=dt.date(2020, 1, 1),
        )
    # Ended: the two may be paired again.
    assert _pair(staff_user, four, two).status == Pairing.Status.ACTIVE
