"""Who may move an evaluation from which state: the one transition table.

accounts.permissions asks `roles_for()` for its rule on evaluations, so
`require`, `PermissionRequiredMixin` and `{% can %}` agree with it; services
ask `authorize()` first for the refusal's meaning (wrong state or wrong
role) and views ask `available_actions()` for the buttons to show. Scope
(whose evaluation it is) is checked separately, by the evaluation's
queryset; the rating rules (closed round, five stars need city approval, …)
live in the services.

The order of the checks gives each refusal its meaning:
1. leadership and users without a role never write   -> PermissionDenied
2. no row for (action, current state)                 -> ValidationError (wrong state)
3. a row, but not for the user's role                 -> PermissionDenied
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.permissions import role_allows, role_of

from .models import Evaluation, Round

if TYPE_CHECKING:
    from django.utils.functional import Promise

State = Evaluation.State
Role = User.Role

DISTRICT, INDUSTRY, STAFF, LEADER = Role.DISTRICT, Role.INDUSTRY, Role.STAFF, Role.LEADER
ROLES: tuple[str, ...] = (DISTRICT, INDUSTRY, STAFF, LEADER)
# District officials and industry committees recommend for their own scope;
# the organisation department may also enter directly.
RECOMMENDERS = frozenset({DISTRICT, INDUSTRY, STAFF})
CITY = frozenset({STAFF})


class Action(TextChoices):
    EDIT = "edit", gettext_lazy("Edit scores")  # change scores or evidence; the state stays
    SUBMIT = "submit", gettext_lazy("Submit")
    RETURN = "return", gettext_lazy("Return")
    APPROVE = "approve", gettext_lazy("Approve")
    SEND_TO_PROVINCE = "send_to_province", gettext_lazy("Send to the province")
    CERTIFY = "certify", gettext_lazy("Record: certified")
    NOT_CERTIFY = "not_certify", gettext_lazy("Record: not certified")


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str  # equal to source for EDIT
    roles: frozenset[str]


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Action.EDIT, State.DRAFT, State.DRAFT, RECOMMENDERS),
    Transition(Action.EDIT, State.RETURNED, State.RETURNED, RECOMMENDERS),
    # Once recommended, only the city corrects scores before deciding.
    Transition(Action.EDIT, State.SUBMITTED, State.SUBMITTED, CITY),
    Transition(Action.SUBMIT, State.DRAFT, State.SUBMITTED, RECOMMENDERS),
    Transition(Action.SUBMIT, State.RETURNED, State.SUBMITTED, RECOMMENDERS),
    Transition(Action.RETURN, State.SUBMITTED, State.RETURNED, CITY),
    Transition(Action.APPROVE, State.SUBMITTED, State.APPROVED, CITY),
    Transition(Action.SEND_TO_PROVINCE, State.APPROVED, State.SENT, CITY),
    Transition(Action.CERTIFY, State.SENT, State.CERTIFIED, CITY),
    Transition(Action.NOT_CERTIFY, State.SENT, State.NOT_CERTIFIED, CITY),
)
_BY_KEY: dict[tuple[str, str], Transition] = {(t.action, t.source): t for t in TRANSITIONS}
ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(t.action for t in TRANSITIONS))

# What to say when an action is tried from a state the table has no row for.
_WRONG_STATE: dict[str, Promise] = {
    Action.EDIT: gettext_lazy("The scores of an evaluation that is “%(state)s” can no longer be changed."),
    Action.SUBMIT: gettext_lazy("Only a draft or returned evaluation can be submitted; this one is “%(state)s”."),
    Action.RETURN: gettext_lazy("Only a submitted evaluation can be returned; this one is “%(state)s”."),
    Action.APPROVE: gettext_lazy("Only a submitted evaluation can be approved; this one is “%(state)s”."),
    Action.SEND_TO_PROVINCE: gettext_lazy(
        "Five stars cannot be sent to the province without the city's approval at four stars or more; "
        "this evaluation is “%(state)s”."
    ),
    Action.CERTIFY: gettext_lazy("Only an evaluation sent to the province can be certified; this one is “%(state)s”."),
    Action.NOT_CERTIFY: gettext_lazy(
        "Only an evaluation sent to the province can be recorded as not certified; this one is “%(state)s”."
    ),
}


def roles_for(action: str, evaluation: Evaluation | None) -> frozenset[str]:
    """The roles that may take `action` on this evaluation in its state (or,
    for None, in some state): accounts.permissions' rule for evaluations."""
    if evaluation is None:
        return frozenset().union(*(t.roles for t in TRANSITIONS if t.action == action))
    transition = transition_for(action, evaluation.state)
    return transition.roles if transition is not None else frozenset()


def transition_for(action: str, state: str) -> Transition | None:
    return _BY_KEY.get((action, state))


def allowed(role: str | None, action: str, state: str) -> bool:
    transition = transition_for(action, state)
    return transition is not None and role in transition.roles


def authorize(user: User, action: str, state: str) -> Transition:
    """The transition `user` may make, or the reason they may not."""
    role = role_of(user)
    if role not in RECOMMENDERS:
        raise PermissionDenied(_("You may read evaluations but not change them."))
    transition = transition_for(action, state)
    if transition is None:
        raise ValidationError(_WRONG_STATE[action] % {"state": State(state).label})
    if role not in transition.roles:
        raise PermissionDenied(
            _("Your role may not do this: “%(action)s” on an evaluation that is “%(state)s”.")
            % {"action": Action(action).label, "state": State(state).label}
        )
    return transition


def available_actions(user: User, state: str) -> list[str]:
    """The actions to offer `user` on an evaluation in `state`, in table order."""
    role = role_of(user)
    if role not in RECOMMENDERS:
        return []
    return [t.action for t in TRANSITIONS if t.source == state and role in t.roles]


# The moves a selection of evaluations may take at once: both leave
# "submitted" and ask nothing per evaluation (a return's reason is one for all).
BULK_ACTIONS: tuple[str, ...] = (Action.APPROVE, Action.RETURN)


def bulk_actions(user: User, evaluation: Evaluation | None = None, *, round_: Round | None = None) -> list[str]:
    """The bulk moves to offer `user`: on this evaluation as its state stands
    (in `round_`, its round, when the caller has it at hand), or, without
    one, on some evaluation (the buttons). Asks the permission rule, as an
    evaluation's own buttons do, so a box is shown exactly when the move can
    succeed; the rows' scope is the list's, read through `for_user()`."""
    if evaluation is None:
        return [action for action in BULK_ACTIONS if role_allows(user, action, Evaluation)]
    if not (round_ or evaluation.round).is_open:
        return []
    return [action for action in BULK_ACTIONS if role_allows(user, action, evaluation)]
