"""The coverage questions, and the current answers stored on each organisation.

An organisation's coverage depends on other tables (the party organisations
covering it, its instructors) and on dates. Asked for every row of a list
of a million organisations, the EXISTS subqueries cost seconds per page;
stored on the organisation they are indexed columns. So the current answer
(as of the clock's day) lives in `SocialOrganization.current_*` fields:

- written here only, by set-based UPDATEs that touch only the rows whose
  answer changed;
- refreshed for the touched organisations by every write (the signals in
  organizations/signals.py catch saves, deletes and M2M changes from the
  services, the admin and the factories; bulk writes call
  `refresh_coverage` themselves);
- refreshed for every organisation by the daily job (an assignment or a
  term that ends changes the answer with no write at all) and by each
  recount, the safety net.

Past days (a half-year's end) are always computed from the records with
`coverage_conditions(on=...)`, as the recount does.

The builders take the model classes so that a migration can run them with
its historical models.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps as global_apps
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from xian_partybuild import clock

from .models import MUST_ESTABLISH_MEMBERS, CoverageState


def organization_active_on(on: dt.date, prefix: str = "") -> Q:
    """Registered by `on` and not deregistered by then (dates, not status,
    so that a past half-year can be recounted as it stood)."""
    return Q(**{f"{prefix}registered_on__lte": on}) & (
        Q(**{f"{prefix}deregistered_on__isnull": True}) | Q(**{f"{prefix}deregistered_on__gt": on})
    )


def party_organization_active_on(on: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}established_on__lte": on}) & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": on})
    )


def assignment_current_on(on: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}started_on__lte": on}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": on})
    )


def _models(apps) -> tuple[Any, Any, Any]:
    apps = apps or global_apps
    return (
        apps.get_model("organizations", "SocialOrganization"),
        apps.get_model("organizations", "PartyOrganization"),
        apps.get_model("organizations", "InstructorAssignment"),
    )


def coverage_conditions(*, on: dt.date | None = None, apps=None) -> dict[str, Q]:
    """The coverage questions as boolean conditions over SocialOrganization, as of `on`.

    Annotations and aggregates both build on these expressions directly:
    aggregating over annotation names makes Django wrap the query in a
    subquery that drops the annotations it needs.
    """
    on = on or clock.today()
    _, party_model, assignment_model = _models(apps)
    links = party_model.organizations.through.objects.filter(
        party_organization_active_on(on, "partyorganization__"), socialorganization_id=OuterRef("pk")
    )
    org_covered = Q(Exists(links))
    has_own = Q(Exists(links.filter(partyorganization__formation="standalone")))
    has_instructor = Q(
        Exists(assignment_model.objects.filter(assignment_current_on(on), organization_id=OuterRef("pk")))
    )
    must_establish = Q(formal_party_members__gte=MUST_ESTABLISH_MEMBERS)
    return {
        "org_covered": org_covered,
        "has_own_party_org": has_own,
        "has_instructor": has_instructor,
        "work_covered": org_covered | has_instructor,
        "must_establish": must_establish,
        "must_establish_not_established": must_establish & ~has_own,
    }


def state_case(conditions: dict[str, Q]) -> Case:
    return Case(
        When(conditions["org_covered"], then=Value(CoverageState.ORGANISATIONAL.value)),
        When(conditions["has_instructor"], then=Value(CoverageState.WORK_ONLY.value)),
        default=Value(CoverageState.UNCOVERED.value),
        output_field=CharField(),
    )


def _boolean(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def stored_values(*, on: dt.date, apps=None) -> dict[str, Any]:
    """The stored fields and the expressions that compute them as of `on`."""
    conditions = coverage_conditions(on=on, apps=apps)
    # Like the figures, 应建未建 counts only organisations active on the day.
    # (status too, for a deregistration recorded ahead of its date).
    gap = organization_active_on(on) & Q(status="active") & conditions["must_establish_not_established"]
    return {
        "current_coverage": state_case(conditions),
        "current_org_covered": _boolean(conditions["org_covered"]),
        "current_own_party_org": _boolean(conditions["has_own_party_org"]),
        "current_instructor": _boolean(conditions["has_instructor"]),
        "current_must_establish_gap": _boolean(gap),
    }


def refresh_coverage(organizations: QuerySet | None = None, *, on: dt.date | None = None, apps=None) -> int:
    """Make the stored coverage of `organizations` (all by default) true as of
    `on` (the clock's day); returns how many rows changed.

    One UPDATE whatever the number of rows, and it writes only the rows whose
    stored answer differs from the computed one, so a daily run over a
    million unchanged rows writes nothing.
    """
    on = on or clock.today()
    org_model, _, _ = _models(apps)
    rows = org_model.objects.all() if organizations is None else organizations
    values = stored_values(on=on, apps=apps)
    differs = Q()
    for name in values:
        differs |= ~Q(**{name: F(f"computed_{name}")})
    changed = (
        rows.order_by()
        .annotate(**{f"computed_{name}": expression for name, expression in values.items()})
        .filter(differs)
        .values("pk")
    )
    return org_model.objects.filter(pk__in=changed).update(**values)
