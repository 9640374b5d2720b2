"""The permission rule, tested once: every role × every action × in and out
of scope. The expected answers are written out here from the design brief,
not derived from the rule table, so a changed rule fails a named case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied

from accounts import permissions
from accounts.models import User
from accounts.permissions import Action, can, check_rows, require, restrict
from accounts.tests.factories import UserFactory
from coverage.models import Ledger, LedgerImport, Period
from organizations.models import PartyOrganization, SocialOrganization
from organizations.tests.factories import PartyOrganizationFactory
from ratings.models import Evaluation, Pairing, Round
from ratings.tests.factories import make_evaluation, make_round

pytestmark = pytest.mark.django_db

ROLES = ("beilin", "lawyers", "staff", "leader", "admin", "nobody", "inactive")
# Who may take each model-level action, whatever the record.
EVERYONE = {"beilin", "lawyers", "staff", "leader", "admin"}
WRITERS = {"beilin", "lawyers", "staff", "admin"}
CITY = {"staff", "admin"}
OWNERS = {"beilin", "lawyers"}


@pytest.fixture
def users(beilin_user, lawyers_user, staff_user, leader_user) -> dict[str, User]:
    return {
        "beilin": beilin_user,
        "lawyers": lawyers_user,
        "staff": staff_user,
        "leader": leader_user,
        "admin": UserFactory(username="root", is_superuser=True, role=""),
        "nobody": UserFactory(username="nobody", role=""),
        "inactive": UserFactory(username="gone", role=User.Role.STAFF, is_active=False),
    }


@pytest.fixture
def records(dataset, yanta, justice):
    law_yanta = PartyOrganizationFactory(
        name="G 律师事务所党支部", area=yanta, supervising_unit=justice, organizations=[dataset.g]
    )
    round_ = make_round(2020)
    period = Period.objects.create(year=2020, half=2)
    pairing = Pairing.objects.create(
        partner=law_yanta,
        party_organization=dataset.joint,
        partner_stars=4,
        reason=Pairing.Reason.LOW_STARS,
        started_on=dt.date(2020, 5, 1),
        goals="规范三会一课",
    )
    return {
        "beilin_org": dataset.a,
        "yanta_law_org": dataset.g,
        "beilin_party": dataset.p_a,
        "law_yanta": law_yanta,
        "pairing": pairing,
        "round": round_,
        "period": period,
        "beilin_ledger": Ledger.objects.create(period=period, area=dataset.a.area, due_on=dt.date(2021, 1, 31)),
        "law_ledger": Ledger.objects.create(period=period, supervising_unit=justice, due_on=dt.date(2021, 1, 31)),
    }


# (action, model) -> the roles that may ever take it.
MODEL_LEVEL = [
    (Action.VIEW, SocialOrganization, EVERYONE),
    (Action.ADD, SocialOrganization, WRITERS),
    (Action.CHANGE, SocialOrganization, WRITERS),
    (Action.ADD, PartyOrganization, WRITERS),
    (Action.ADD, Pairing, WRITERS),
    (Action.CHANGE, Pairing, WRITERS),
    (Action.ADD, Round, CITY),
    (Action.MANAGE, Round, CITY),
    (Action.SUBMIT, Ledger, OWNERS),
    (Action.REVIEW, Ledger, CITY),
    (Action.IMPORT, LedgerImport, WRITERS),
    (Action.RECOUNT, Period, CITY),
    ("edit", Evaluation, WRITERS),
    ("submit", Evaluation, WRITERS),
    ("return", Evaluation, CITY),
    ("approve", Evaluation, CITY),
    ("send_to_province", Evaluation, CITY),
    ("certify", Evaluation, CITY),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("action", "model", "allowed"), MODEL_LEVEL, ids=lambda v: getattr(v, "__name__", str(v)))
def test_model_level(users, role, action, model, allowed):
    user = users[role]
    assert can(user, action, model) == (role in allowed)
    if role in allowed:
        require(user, action, model)
    else:
        with pytest.raises(PermissionDenied):
            require(user, action, model)


# (record, action) -> the roles that may take it on that record.
OBJECT_LEVEL = [
    ("beilin_org", Action.VIEW, {"beilin", "staff", "leader", "admin"}),
    ("beilin_org", Action.CHANGE, {"beilin", "staff", "admin"}),
    ("yanta_law_org", Action.VIEW, {"lawyers", "staff", "leader", "admin"}),
    ("yanta_law_org", Action.CHANGE, {"lawyers", "staff", "admin"}),
    ("law_yanta", Action.CHANGE, {"lawyers", "staff", "admin"}),
    # The pairing helps Beilin's joint branch; the partner is Yanta's law firm:
    # both sides read it, only the helped side (and the city) changes it.
    ("pairing", Action.VIEW, {"beilin", "lawyers", "staff", "leader", "admin"}),
    ("pairing", Action.CHANGE, {"beilin", "staff", "admin"}),
    ("round", Action.VIEW, EVERYONE),
    ("round", Action.MANAGE, CITY),
    ("period", Action.RECOUNT, CITY),
    ("beilin_ledger", Action.VIEW, {"beilin", "staff", "leader", "admin"}),
    ("beilin_ledger", Action.REVIEW, CITY),
    ("law_ledger", Action.VIEW, {"lawyers", "staff", "leader", "admin"}),
    ("law_ledger", Action.REVIEW, CITY),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "action", "allowed"), OBJECT_LEVEL)
def test_object_level(users, records, role, name, action, allowed):
    user, obj = users[role], records[name]
    assert can(user, action, obj) == (role in allowed)
    if role in allowed:
        require(user, action, obj)
    else:
        with pytest.raises(PermissionDenied):
            require(user, action, obj)
    assert restrict(type(obj).objects.filter(pk=obj.pk), user, action).exists() == (role in allowed)


# An evaluation's moves depend on its state (the transition table).
EVALUATION_CASES = [
    (Evaluation.State.DRAFT, "edit", {"beilin", "staff", "admin"}),
    (Evaluation.State.DRAFT, "submit", {"beilin", "staff", "admin"}),
    (Evaluation.State.DRAFT, "approve", set()),
    (Evaluation.State.SUBMITTED, "edit", CITY),
    (Evaluation.State.SUBMITTED, "submit", set()),
    (Evaluation.State.SUBMITTED, "return", CITY),
    (Evaluation.State.SUBMITTED, "approve", CITY),
    (Evaluation.State.APPROVED, "approve", set()),
    (Evaluation.State.APPROVED, "send_to_province", CITY),
    (Evaluation.State.SENT, "certify", CITY),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("state", "action", "allowed"), EVALUATION_CASES)
def test_evaluation_moves_follow_state_and_scope(users, records, role, state, action, allowed):
    evaluation = make_evaluation(records["beilin_party"], records["round"], state=state)
    assert can(users[role], action, evaluation) == (role in allowed)


def test_out_of_scope_refusal_names_the_reason(users, records):
    with pytest.raises(PermissionDenied, match=str(permissions.OUT_OF_SCOPE)):
        require(users["beilin"], Action.CHANGE, records["yanta_law_org"])
    with pytest.raises(PermissionDenied, match=str(permissions.READ_ONLY)):
        require(users["leader"], Action.CHANGE, records["beilin_org"])


def test_require_always_asks_the_database(users, records):
    """A display memo must not let a write through after scope changed."""
    beilin, org = users["beilin"], records["beilin_org"]
    assert can(beilin, Action.CHANGE, org)
    SocialOrganization.objects.filter(pk=org.pk).update(area=records["yanta_law_org"].area)
    assert can(beilin, Action.CHANGE, org)  # the page's memo
    with pytest.raises(PermissionDenied):
        require(beilin, Action.CHANGE, org)


def test_check_rows_answers_a_table_in_one_query(users, records, django_assert_num_queries):
    beilin = users["beilin"]
    orgs = [records["beilin_org"], records["yanta_law_org"]]
    with django_assert_num_queries(1):
        check_rows(beilin, Action.CHANGE, orgs)
    with django_assert_num_queries(0):
        assert [can(beilin, Action.CHANGE, o) for o in orgs] == [True, False]


def test_every_rule_names_a_real_model_and_scope():
    for (label, action), rule in permissions.RULES.items():
        model = apps.get_model(label)
        queryset = model._default_manager.all()
        assert rule.scope == "for_user" or hasattr(queryset, rule.scope), (label, action)
