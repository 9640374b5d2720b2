"""May this user do this action on this record, or on records of this model?

The one rule for actions, beside `for_user()` (scoping.py) for rows. A rule
names the roles that may ever take an action on a model and the queryset
method whose rows they may take it on, so "may beilin change this pairing?"
is answered the same way by the service that writes it (`require`), the view
that serves its form (`PermissionRequiredMixin`) and the template that shows
its button (`{% can %}`): a button is shown exactly when following it
succeeds. NetBox's `restrict(user, action)` with `ObjectPermissionRequiredMixin`
and its `can_change` template filters follow the same idea.

Rules are keyed by model label ("ratings.pairing") so this module imports no
app: apps depend on accounts, never the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from accounts.models import User


class Action(StrEnum):
    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    # Ledgers (台账): a district or industry committee submits its own; the city reviews.
    SUBMIT = "submit"
    REVIEW = "review"
    IMPORT = "import"
    # Early warnings (防瘫预警): record rectification (整改).
    RECTIFY = "rectify"
    # The half-yearly recount and the rating rounds belong to the organisation department.
    RECOUNT = "recount"
    MANAGE = "manage"


# An evaluation's moves (ratings.workflow.Action): which role may take each
# depends on the evaluation's state, so their rule asks the transition table.
EVALUATION_ACTIONS = ("edit", "submit", "return", "approve", "send_to_province", "certify", "not_certify")


# Role values as stored on User.role (accounts.models.User.Role); superusers act as STAFF.
DISTRICT, INDUSTRY, STAFF, LEADER = "district", "industry", "staff", "leader"
# The three administrators (三员分立) read no records: none is among READERS.
SYSTEM_ADMIN, SECURITY_ADMIN, AUDITOR = "sysadmin", "secadmin", "auditor"
AUDITORS = frozenset({AUDITOR})
READERS = frozenset({DISTRICT, INDUSTRY, STAFF, LEADER})
EDITORS = frozenset({DISTRICT, INDUSTRY, STAFF})
# Those who answer for one scope: they submit ledgers for it.
OWNERS = frozenset({DISTRICT, INDUSTRY})
CITY = frozenset({STAFF})

READ_ONLY = _("You may read these records but not change them.")
OUT_OF_SCOPE = _("This record lies outside your area of responsibility.")


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    # The queryset method that gives the rows the action may be taken on.
    scope: str = "for_user"
    refusal: Promise = READ_ONLY
    # A dotted path to `roles(action, obj) -> frozenset` for records whose
    # rule depends on their state; called with obj None for "in any state".
    state_roles: str | None = None


# Any scoped model: everyone with a role reads, leadership never writes.
DEFAULT_RULES: dict[str, Rule] = {
    Action.VIEW: Rule(READERS),
    Action.ADD: Rule(EDITORS),
    Action.CHANGE: Rule(EDITORS),
}

DISTRICT_AND_CITY = frozenset({DISTRICT, STAFF})
_COMMUNITY_WRITERS = _("Only district officials and the organisation department record community needs and services.")
_AUDIT_ONLY = _("Only the auditor reads the audit log, and nobody changes it.")
BRAND_EDITORS = frozenset({DISTRICT, STAFF})
_BRANDS = _("Only the organisation department and district officials record party-building brands.")
_EVALUATION = Rule(
    frozenset(), refusal=_("You may read evaluations but not change them."), state_roles="ratings.workflow.roles_for"
)
RULES: dict[tuple[str, str], Rule] = {
    # A pairing is read by both sides; only the helped organisation's side changes it.
    ("ratings.pairing", Action.CHANGE): Rule(EDITORS, scope="writable_for"),
    ("ratings.round", Action.ADD): Rule(CITY, refusal=_("Only the organisation department manages rating rounds.")),
    ("ratings.round", Action.MANAGE): Rule(CITY, refusal=_("Only the organisation department manages rating rounds.")),
    **{("ratings.evaluation", action): _EVALUATION for action in EVALUATION_ACTIONS},
    ("coverage.ledger", Action.SUBMIT): Rule(
        OWNERS, refusal=_("Ledgers are submitted by district officials and industry committees for their own scope.")
    ),
    ("coverage.ledger", Action.REVIEW): Rule(CITY, refusal=_("Only the organisation department can review ledgers.")),
    ("coverage.ledgerimport", Action.IMPORT): Rule(EDITORS),
    ("coverage.period", Action.RECOUNT): Rule(CITY, refusal=_("Only the organisation department runs recounts.")),
    ("coverage.earlywarning", Action.RECTIFY): Rule(EDITORS),
    # Party-building brands are recognised by the organisation department and
    # the district officials for their own district; industry committees and
    # leadership read them.
    ("brands.brand", Action.ADD): Rule(BRAND_EDITORS, refusal=_BRANDS),
    ("brands.brand", Action.CHANGE): Rule(BRAND_EDITORS, refusal=_BRANDS),
    # 四社联动: the district and the organisation department record needs,
    # service items, projects and incubation; an industry committee reads its
    # organisations' service items only (community.querysets).
    **{
        (label, action): Rule(DISTRICT_AND_CITY, refusal=_COMMUNITY_WRITERS)
        for label in ("community.need", "community.project", "community.incubatedorganization")
        for action in (Action.ADD, Action.CHANGE)
    },
    ("community.serviceitem", Action.ADD): Rule(DISTRICT_AND_CITY, refusal=_COMMUNITY_WRITERS),
    ("community.serviceitem", Action.CHANGE): Rule(DISTRICT_AND_CITY, scope="writable_for", refusal=_COMMUNITY_WRITERS),
    # The audit log is read (and exported) by the auditor alone, superusers
    # included out; nobody adds or changes an entry through the app.
    ("audit.auditentry", Action.VIEW): Rule(AUDITORS, refusal=_AUDIT_ONLY),
    ("audit.auditentry", Action.ADD): Rule(frozenset(), refusal=_AUDIT_ONLY),
    ("audit.auditentry", Action.CHANGE): Rule(frozenset(), refusal=_AUDIT_ONLY),
}


def role_of(user: User | None) -> str | None:
    """The role a user acts in, or None for anonymous, inactive and role-less users."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return STAFF
    return user.role or None


def _model_of(target: models.Model | type[models.Model]) -> type[models.Model]:
    return target if isinstance(target, type) else type(target)


def rule_for(target: models.Model | type[models.Model], action: str) -> Rule:
    label = _model_of(target)._meta.label_lower
    rule = RULES.get((label, action)) or DEFAULT_RULES.get(action)
    if rule is None:
        raise LookupError(f"No permission rule for {action!r} on {label}.")
    return rule


def _roles(rule: Rule, action: str, obj: models.Model | None) -> frozenset[str]:
    if rule.state_roles is None:
        return rule.roles
    state_roles: Callable[[str, models.Model | None], frozenset[str]] = import_string(rule.state_roles)
    return state_roles(action, obj)


def role_allows(user: User | None, action: str, target: models.Model | type[models.Model]) -> bool:
    """The role part alone: may this user ever take `action` here (in its current state)?"""
    obj = None if isinstance(target, type) else target
    return role_of(user) in _roles(rule_for(target, action), action, obj)


def restrict(queryset: models.QuerySet, user: User | None, action: str = Action.VIEW) -> models.QuerySet:
    """The rows of `queryset` on which `user` may take `action` (state rules aside)."""
    rule = rule_for(queryset.model, action)
    if role_of(user) not in _roles(rule, action, None):
        return queryset.none()
    return _rows(queryset, rule.scope, user)


def _rows(queryset: models.QuerySet, scope: str, user: User) -> models.QuerySet:
    method = getattr(queryset, scope, None)
    if method is None and scope == "for_user":
        # A model without a scope (a rating round, a half-year) is one record for the whole city.
        return queryset
    return method(user)


def _in_scope(user: User, action: str, obj: models.Model, *, memo: bool) -> bool:
    scope = rule_for(obj, action).scope
    key = (obj._meta.label_lower, obj.pk, scope)
    cache: dict = user.__dict__.setdefault("_permission_memo", {})
    if memo and key in cache:
        return cache[key]
    found = _rows(type(obj)._default_manager.all(), scope, user).filter(pk=obj.pk).exists()
    cache[key] = found
    return found


def remember(user: User, obj: models.Model, action: str = Action.VIEW) -> None:
    """Note that `obj` was read through the scope of `action`, so that a
    template asking about it again costs no query (one request's memo)."""
    scope = rule_for(obj, action).scope
    user.__dict__.setdefault("_permission_memo", {})[(obj._meta.label_lower, obj.pk, scope)] = True


def check_rows(user: User | None, action: str, objs) -> None:
    """Answer `can()` for many records of one model in one query, ahead of a
    template that asks about each row."""
    objs = [obj for obj in objs if obj.pk is not None]
    if not objs or user is None or not role_allows(user, action, type(objs[0])):
        return
    model = type(objs[0])
    scope = rule_for(model, action).scope
    allowed = set(
        _rows(model._default_manager.filter(pk__in=[o.pk for o in objs]), scope, user).values_list("pk", flat=True)
    )
    memo = user.__dict__.setdefault("_permission_memo", {})
    for obj in objs:
        memo[(obj._meta.label_lower, obj.pk, scope)] = obj.pk in allowed


def can(user: User | None, action: str, target: models.Model | type[models.Model]) -> bool:
    """For showing: may `user` take `action` on this record (or ever, on this model)?"""
    if not role_allows(user, action, target):
        return False
    if isinstance(target, type) or target.pk is None:
        return True
    return _in_scope(user, action, target, memo=True)


def require(user: User | None, action: str, target: models.Model | type[models.Model]) -> None:
    """For doing: raise PermissionDenied with the reason unless `user` may.

    Services call it before a write, and again after one where the write
    could move the record out of the actor's scope; it always asks the
    database, never the display memo.
    """
    if not role_allows(user, action, target):
        raise PermissionDenied(rule_for(target, action).refusal)
    if isinstance(target, type) or target.pk is None:
        return
    if not _in_scope(user, action, target, memo=False):
        raise PermissionDenied(OUT_OF_SCOPE)


def require_visible(user: User, obj: models.Model | None, *, unchanged_pk: int | None = None) -> None:
    """A related record newly chosen on a form must be one the user may see:
    a hand-made request could otherwise attach a record from outside their reach."""
    if obj is None or (unchanged_pk is not None and obj.pk == unchanged_pk):
        return
    require(user, Action.VIEW, obj)
