"""The invariants the database itself keeps, whoever writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from ratings.models import Evaluation, Pairing, Round, RoundItem, Score, StarThreshold
from ratings.tests.factories import make_evaluation

pytestmark = pytest.mark.django_db

State = Evaluation.State


def _violates(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(**fields)


def test_one_evaluation_per_party_organisation_per_round(law_party, round_2020, round_2019):
    Evaluation.objects.create(round=round_2020, party_organization=law_party)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(round=round_2020, party_organization=law_party)
    # Another round is another evaluation.
    Evaluation.objects.create(round=round_2019, party_organization=law_party)


def test_score_above_the_item_maximum_is_refused(law_party, round_2020):
    evaluation = Evaluation.objects.create(round=round_2020, party_organization=law_party)
    item = RoundItem.objects.get(round=round_2020, code="setup")
    Score.objects.create(evaluation=evaluation, item=item, points=10, max_points=item.max_points)
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.filter(evaluation=evaluation).update(points=11)
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(evaluation=evaluation, item=item, points=1, max_points=10)  # second score, same item


def test_final_stars_follow_the_state(law_party, round_2020):
    _violates(round=round_2020, party_organization=law_party, state=State.DRAFT, final_stars=3)
    _violates(round=round_2020, party_organization=law_party, state=State.APPROVED)
    # Five final stars only when the province certified them.
    _violates(round=round_2020, party_organization=law_party, state=State.APPROVED, final_stars=5)
    _violates(round=round_2020, party_organization=law_party, state=State.SENT, final_stars=4)  # no sent date
    _violates(
        round=round_2020,
        party_organization=law_party,
        state=State.CERTIFIED,
        final_stars=5,
        province_sent_on=dt.date(2020, 12, 1),
    )  # no result date
    _violates(round=round_2020, party_organization=law_party, state=State.RETURNED)  # no reason
    _violates(round=round_2020, party_organization=law_party, stars=6)


def test_consistent_rows_are_accepted(law_party, round_2020):
    for state in State:
        Evaluation.objects.all().delete()
        make_evaluation(law_party, round_2020, state=state)


def test_threshold_stars_and_round_status(round_2020):
    with pytest.raises(IntegrityError), transaction.atomic():
        StarThreshold.objects.create(stars=6, min_total=99)
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.filter(pk=round_2020.pk).update(status=Round.Status.CLOSED)  # no closing date


def test_pairing_constraints(law_party, dataset):
    base = {"started_on": dt.date(2020, 6, 1), "goals": "x", "reason": Pairing.Reason.UNRATED}
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(partner=law_party, party_organization=law_party, partner_stars=4, **base)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(partner=law_party, party_organization=dataset.p_a, partner_stars=2, **base)
    Pairing.objects.create(partner=law_party, party_organization=dataset.p_a, partner_stars=4, **base)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(partner=law_party, party_organization=dataset.p_a, partner_stars=4, **base)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(
            partner=law_party, party_organization=dataset.joint, partner_stars=4, status="completed", **base
        )  # ended without a date
