"""Reads: the coverage questions, asked of any set of organisations.

Today's coverage is read from the fields stored on each organisation
(indexed columns, kept true by organizations.coverage_state); a past day's
is computed with correlated EXISTS subqueries. Either way a whole list, a
page of it or a city-wide count is one SQL statement.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce

from xian_partybuild import clock

from .coverage_state import (
    coverage_conditions,
    organization_active_on,
    party_organization_active_on,
    state_case,
)
from .models import (
    MUST_ESTABLISH_MEMBERS,
    CoverageState,
    PartyOrganization,
    SocialOrganization,
)

__all__ = [
    "CoverageState",
    "coverage_conditions",
    "organization_active_on",
    "party_organization_active_on",
]


# The coverage filter's extra choice: organisationally covered or by an instructor (工作覆盖).
WORK_COVERED = "work"


def with_coverage(qs: QuerySet[SocialOrganization], *, on: dt.date | None = None) -> QuerySet[SocialOrganization]:
    """Annotate the coverage conditions, coverage_state and responsible_body on every row,
    and `active_then`: registered and not deregistered on that day, the organisations
    the figures count.

    Without `on`, the answers are today's, read from the stored fields (indexed
    columns, see coverage_state.py); with `on`, they are computed as of that day."""
    if on is None:
        return qs.annotate(
            active_then=ExpressionWrapper(organization_active_on(clock.today()), BooleanField()),
            org_covered=F("current_org_covered"),
            has_own_party_org=F("current_own_party_org"),
            has_instructor=F("current_instructor"),
            work_covered=ExpressionWrapper(~Q(current_coverage=CoverageState.UNCOVERED), BooleanField()),
            must_establish=ExpressionWrapper(Q(formal_party_members__gte=MUST_ESTABLISH_MEMBERS), BooleanField()),
            must_establish_not_established=F("current_must_establish_gap"),
            coverage_state=F("current_coverage"),
            responsible_body=_responsible_body(),
        )
    conditions = coverage_conditions(on=on)
    active = organization_active_on(on)
    # A deregistered organisation need establish nothing: like the figure, the
    # list counts 应建未建 only among the organisations active on the day.
    conditions["must_establish_not_established"] = active & conditions["must_establish_not_established"]
    return qs.annotate(
        active_then=ExpressionWrapper(active, BooleanField()),
        **{name: ExpressionWrapper(condition, BooleanField()) for name, condition in conditions.items()},
        coverage_state=state_case(conditions),
        responsible_body=_responsible_body(),
    )


def _responsible_body() -> Case:
    # 分级负责、条块结合、区域兜底: the industry committee where the supervising
    # unit has one, the registration area otherwise.
    return Case(
        When(supervising_unit__has_industry_committee=True, then=F("supervising_unit__industry_committee_name")),
        default=F("area__name"),
        output_field=CharField(),
    )


def organization_rows(*, on: dt.date | None = None) -> QuerySet[SocialOrganization]:
    """The organisation list: every column the table shows, in one query."""
    return with_coverage(SocialOrganization.objects.select_related("area", "supervising_unit"), on=on)


def organization_rows_as_of(on: dt.date) -> QuerySet[SocialOrganization]:
    """The organisation list as it stood on `on`: the organisations registered by
    then and not deregistered by then (the ones a half-year's figures count),
    with their coverage as of then."""
    return organization_rows(on=on).filter(organization_active_on(on))


def organization_detail(*, on: dt.date | None = None) -> QuerySet[SocialOrganization]:
    return (
        organization_rows(on=on)
        .select_related("location__parent__parent")
        .prefetch_related("party_organizations", "instructor_assignments")
    )


def coverage_summary(qs: QuerySet[SocialOrganization], *, on: dt.date | None = None) -> dict[str, float | int]:
    """Counts and rates for the organisations among qs active on `on` (today), in one query."""
    on = on or clock.today()
    conditions = coverage_conditions(on=on)
    figures = qs.filter(organization_active_on(on)).aggregate(
        organizations=Count("pk"),
        **{
            name: Count("pk", filter=conditions[name])
            for name in ("org_covered", "work_covered", "must_establish", "must_establish_not_established")
        },
        formal_party_members=Coalesce(Sum("formal_party_members"), 0),
    )
    total = figures["organizations"]
    figures["org_coverage_rate"] = figures["org_covered"] / total if total else 0.0
    figures["work_coverage_rate"] = figures["work_covered"] / total if total else 0.0
    return figures


def _covered_count(on: dt.date | None = None) -> Subquery:
    """How many organisations a party organisation covers (those active on `on`,
    when given), as a correlated count: the database counts for the rows a
    page shows only, where a joined Count() would group the whole table
    before the page's LIMIT."""
    links = PartyOrganization.organizations.through.objects.filter(partyorganization_id=OuterRef("pk"))
    if on is not None:
        links = links.filter(organization_active_on(on, "socialorganization__"))
    # COUNT as a plain function, not an aggregate: Django then adds no GROUP BY to the subquery.
    counted = links.annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField())).values("n")
    return Subquery(counted, output_field=IntegerField())


def _party_rows(covered_count: Subquery) -> QuerySet[PartyOrganization]:
    return (
        PartyOrganization.objects.select_related("area", "supervising_unit", "parent")
        .annotate(covered_count=covered_count)
        .order_by("name", "pk")
    )


def party_organization_rows() -> QuerySet[PartyOrganization]:
    return _party_rows(_covered_count())


def party_organization_rows_as_of(on: dt.date) -> QuerySet[PartyOrganization]:
    """The party organisations as they stood on `on`: established by then and not
    dissolved by then, each with the organisations it covered that were active then."""
    return _party_rows(_covered_count(on)).filter(party_organization_active_on(on))


def party_organization_detail() -> QuerySet[PartyOrganization]:
    return party_organization_rows().prefetch_related("organizations__area", "children")


def party_organization_summary(qs: QuerySet[PartyOrganization]) -> dict[str, int]:
    """Active party organisations by kind and formation, in one query."""
    active = qs.filter(status=PartyOrganization.Status.ACTIVE)
    aggregates = {"total": Count("pk")}
    for kind in PartyOrganization.Kind:
        aggregates[f"kind_{kind.value}"] = Count("pk", filter=Q(kind=kind))
    for formation in PartyOrganization.Formation:
        aggregates[f"formation_{formation.value}"] = Count("pk", filter=Q(formation=formation))
    return active.aggregate(**aggregates)


def responsible_body_for(organization: SocialOrganization) -> str:
    unit = organization.supervising_unit
    if unit is not None and unit.has_industry_committee:
        return unit.industry_committee_name
    return organization.area.name
