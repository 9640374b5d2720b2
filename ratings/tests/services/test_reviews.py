"""Approving or returning many evaluations at once: all of them or none."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.permissions import OUT_OF_SCOPE
from organizations.models import PartyOrganization
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from ratings import services
from ratings.models import Evaluation, EvaluationEvent
from ratings.tests.factories import make_evaluation

pytestmark = pytest.mark.django_db

State = Evaluation.State


@pytest.fixture
def submitted(beilin, round_2020):
    """Four submitted evaluations in Beilin, totals 60, 70, 80, 90 (2★ to 5★)."""
    evaluations = []
    for n, total in enumerate((60, 70, 80, 90)):
        org = SocialOrganizationFactory(name=f"碑林协会{n}", area=beilin)
        party = PartyOrganizationFactory(name=f"碑林协会{n}党支部", area=beilin, organizations=[org])
        evaluations.append(make_evaluation(party, round_2020, state=State.SUBMITTED, total=total))
    return evaluations


def _states(evaluations) -> list[str]:
    return list(
        Evaluation.objects.filter(pk__in=[e.pk for e in evaluations]).order_by("pk").values_list("state", flat=True)
    )


def test_approves_every_selected_evaluation_with_its_history(staff_user, submitted):
    done = services.evaluation_bulk_review(actor=staff_user, evaluations=submitted, action="approve")
    assert len(done) == len(submitted)
    assert _states(submitted) == [State.APPROVED] * len(submitted)
    finals = dict(Evaluation.objects.filter(pk__in=[e.pk for e in submitted]).values_list("pk", "final_stars"))
    # The city approves five stars at four, as one at a time.
    assert finals == {e.pk: min(e.stars, 4) for e in submitted}
    events = EvaluationEvent.objects.filter(evaluation__in=submitted, action=EvaluationEvent.Action.APPROVED)
    assert set(events.values_list("evaluation_id", "actor_id", "from_state")) == {
        (e.pk, staff_user.pk, State.SUBMITTED) for e in submitted
    }


def test_returns_every_selected_evaluation_with_one_reason(staff_user, submitted):
    services.evaluation_bulk_review(actor=staff_user, evaluations=submitted, action="return", reason=" 补充台账 ")
    rows = Evaluation.objects.filter(pk__in=[e.pk for e in submitted])
    assert set(rows.values_list("state", "return_reason")) == {(State.RETURNED, "补充台账")}
    notes = EvaluationEvent.objects.filter(evaluation__in=submitted, action=EvaluationEvent.Action.RETURNED)
    assert list(notes.values_list("note", flat=True)) == ["补充台账"] * len(submitted)


@pytest.mark.parametrize("reason", ["", "   "])
def test_return_needs_a_reason(staff_user, submitted, reason):
    with pytest.raises(ValidationError) as exc:
        services.evaluation_bulk_review(actor=staff_user, evaluations=submitted, action="return", reason=reason)
    assert "reason" in exc.value.message_dict
    assert _states(submitted) == [State.SUBMITTED] * len(submitted)


def test_one_evaluation_not_submitted_refuses_the_batch_and_names_it(staff_user, submitted, rated):
    draft = rated["law"]  # 碑林律所党支部, a draft
    batch = [*submitted, draft]
    before = EvaluationEvent.objects.count()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.evaluation_bulk_review(actor=staff_user, evaluations=batch, action="approve")
    message = " ".join(exc.value.messages)
    assert "碑林律所党支部" in message and "未作任何更改" in message
    # Only the draft is named: the others could have been approved.
    assert not any(e.party_organization.name in message for e in submitted)
    # The ones approved before the draft was reached are undone.
    assert _states(submitted) == [State.SUBMITTED] * len(submitted)
    assert _states([draft]) == [State.DRAFT]
    assert EvaluationEvent.objects.count() == before


def test_a_rating_rule_refusal_is_named_like_a_single_approval_would(staff_user, submitted):
    # Dissolved after it was submitted: the single approval refuses it, so does the batch.
    dissolved = submitted[1].party_organization
    PartyOrganization.objects.filter(pk=dissolved.pk).update(
        status=PartyOrganization.Status.DISSOLVED, dissolved_on=dt.date(2020, 11, 30)
    )
    with pytest.raises(ValidationError) as exc:
        services.evaluation_bulk_review(actor=staff_user, evaluations=submitted, action="approve")
    message = " ".join(exc.value.messages)
    assert dissolved.name in message
    assert [e.party_organization.name in message for e in submitted] == [False, True, False, False]
    assert _states(submitted) == [State.SUBMITTED] * len(submitted)


def test_out_of_scope_evaluation_refuses_the_batch(beilin_user, submitted, rated):
    # Yanta's evaluation lies outside Beilin's scope: refused before any role question.
    with pytest.raises(PermissionDenied) as exc:
        services.evaluation_bulk_review(actor=beilin_user, evaluations=[submitted[0], rated["g"]], action="approve")
    assert str(exc.value) == str(OUT_OF_SCOPE)
    assert _states([submitted[0]]) == [State.SUBMITTED]


@pytest.mark.parametrize("who", ["beilin_user", "leader_user"])
def test_district_and_leadership_cannot_bulk_review(request, who, submitted):
    actor = request.getfixturevalue(who)
    for action, reason in (("approve", ""), ("return", "x")):
        with pytest.raises(PermissionDenied):
            services.evaluation_bulk_review(actor=actor, evaluations=submitted, action=action, reason=reason)
    assert _states(submitted) == [State.SUBMITTED] * len(submitted)


def test_empty_and_oversized_selections_are_refused(staff_user, submitted):
    with pytest.raises(ValidationError):
        services.evaluation_bulk_review(actor=staff_user, evaluations=[], action="approve")
    too_many = [Evaluation(pk=n) for n in range(1, services.MAX_BATCH + 2)]
    with pytest.raises(ValidationError):
        services.evaluation_bulk_review(actor=staff_user, evaluations=too_many, action="approve")


def test_other_moves_are_not_bulk_actions(staff_user, submitted):
    with pytest.raises(ValueError, match="bulk"):
        services.evaluation_bulk_review(actor=staff_user, evaluations=submitted, action="send_to_province")
