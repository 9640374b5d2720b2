"""Every action from every state for every role, against the transition table,
through the real services (so the table is what the services enforce)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from accounts.tests.factories import UserFactory
from ratings import services, workflow
from ratings.models import Evaluation, EvaluationEvent
from ratings.tests.factories import make_evaluation, points_for
from ratings.workflow import Action

pytestmark = pytest.mark.django_db

State = Evaluation.State
ALL_STATES = [state.value for state in State]


def _expected(action: str, state: str, role: str) -> str:
    """What the table says: "ok", "denied" (PermissionDenied) or "wrong_state" (ValidationError)."""
    if role == User.Role.LEADER:
        return "denied"
    transition = workflow.transition_for(action, state)
    if transition is None:
        return "wrong_state"
    return "ok" if role in transition.roles else "denied"


@pytest.fixture
def actors(beilin, justice):
    return {
        User.Role.DISTRICT: UserFactory(username="d", role=User.Role.DISTRICT, area=beilin),
        User.Role.INDUSTRY: UserFactory(username="i", role=User.Role.INDUSTRY, supervising_unit=justice),
        User.Role.STAFF: UserFactory(username="s", role=User.Role.STAFF),
        User.Role.LEADER: UserFactory(username="l", role=User.Role.LEADER),
    }


def _run(action: str, actor: User, evaluation: Evaluation) -> Evaluation:
    if action == Action.EDIT:
        points = points_for(evaluation.round, evaluation.total)
        first = next(iter(points))
        points[first] = points[first] - 1 if points[first] else points[first] + 1
        updated, _changed = services.evaluation_score(
            actor=actor,
            round_=evaluation.round,
            party_organization=evaluation.party_organization,
            points=points,
        )
        return updated
    if action == Action.SUBMIT:
        return services.evaluation_submit(actor=actor, evaluation=evaluation)
    if action == Action.RETURN:
        return services.evaluation_return(actor=actor, evaluation=evaluation, reason="材料不全")
    if action == Action.APPROVE:
        return services.evaluation_approve(actor=actor, evaluation=evaluation)
    if action == Action.SEND_TO_PROVINCE:
        return services.evaluation_send_to_province(actor=actor, evaluation=evaluation, on=dt.date(2020, 12, 11))
    return services.evaluation_certify(
        actor=actor, evaluation=evaluation, certified=action == Action.CERTIFY, on=dt.date(2020, 12, 28)
    )


def test_the_table_names_every_action_and_only_known_states():
    assert set(workflow.ACTIONS) == {
        Action.EDIT,
        Action.SUBMIT,
        Action.RETURN,
        Action.APPROVE,
        Action.SEND_TO_PROVINCE,
        Action.CERTIFY,
        Action.NOT_CERTIFY,
    }
    for transition in workflow.TRANSITIONS:
        assert transition.source in ALL_STATES and transition.target in ALL_STATES
        assert User.Role.LEADER not in transition.roles


@pytest.mark.parametrize("role", workflow.ROLES)
@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("action", workflow.ACTIONS)
def test_allowed_matches_the_table(action, state, role):
    assert workflow.allowed(role, action, state) == (_expected(action, state, role) == "ok")


@pytest.mark.parametrize("role", workflow.ROLES)
@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("action", workflow.ACTIONS)
def test_service_enforces_the_table(action, state, role, actors, law_party, round_2020):
    # A five-star score, approved at four where the state is decided, so that
    # only the table (not the rating rules) decides the outcome.
    evaluation = make_evaluation(law_party, round_2020, state=state, total=95)
    actor = actors[role]
    expected = _expected(action, state, role)
    events_before = EvaluationEvent.objects.count()
    if expected == "ok":
        result = _run(action, actor, evaluation)
        target = workflow.transition_for(action, state).target
        assert result.state == target
        evaluation.refresh_from_db()
        assert evaluation.state == target
        event = EvaluationEvent.objects.latest("pk")
        assert event.actor == actor and event.to_state == target
        assert EvaluationEvent.objects.count() == events_before + 1
    else:
        exception = PermissionDenied if expected == "denied" else ValidationError
        with pytest.raises(exception):
            _run(action, actor, evaluation)
        evaluation.refresh_from_db()
        assert evaluation.state == state
        assert EvaluationEvent.objects.count() == events_before


@pytest.mark.parametrize("role", workflow.ROLES)
@pytest.mark.parametrize("state", ALL_STATES)
def test_available_actions_are_the_allowed_ones(role, state, actors):
    offered = workflow.available_actions(actors[role], state)
    assert offered == [a for a in workflow.ACTIONS if workflow.allowed(role, a, state)]
    if role == User.Role.LEADER:
        assert offered == []


def test_superuser_acts_as_the_organisation_department(db):
    admin = UserFactory(username="root", is_superuser=True)
    assert workflow.role_of(admin) == User.Role.STAFF
    assert Action.APPROVE in workflow.available_actions(admin, State.SUBMITTED)


def test_inactive_users_may_do_nothing(actors):
    staff = actors[User.Role.STAFF]
    staff.is_active = False
    assert workflow.role_of(staff) is None
    with pytest.raises(PermissionDenied):
        workflow.authorize(staff, Action.APPROVE, State.SUBMITTED)


def test_out_of_scope_district_is_refused_whatever_the_state(yanta_user, law_party, round_2020):
    evaluation = make_evaluation(law_party, round_2020, state=State.DRAFT)
    with pytest.raises(PermissionDenied):
        services.evaluation_submit(actor=yanta_user, evaluation=evaluation)
