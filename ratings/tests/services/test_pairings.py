"""Pairings (结对共建, 扶弱帮差): who may lead, who may be helped, and the
progress of a pairing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coverage.models import EarlyWarning
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from ratings import services
from ratings.models import Evaluation, Pairing
from ratings.tests.factories import make_evaluation

pytestmark = pytest.mark.django_db

State = Evaluation.State


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
