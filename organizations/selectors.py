"""Reads: the coverage questions, asked of any set of organisations.

Coverage is computed with correlated EXISTS subqueries so that a whole list,
a page of it or a city-wide count is one SQL statement, whatever its size.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from xian_partybuild import clock

from .models import (
    MUST_ESTABLISH_MEMBERS,
    InstructorAssignment,
    PartyOrganization,
    SocialOrganization,
)


class CoverageState(TextChoices):
    """How an organisation is covered, from best to worst."""

    ORGANISATIONAL = "organisational", _("Organisationally covered")  # an active party organisation covers it
    WORK_ONLY = "work_only", _("Instructor only")  # no party organisation, but an instructor or liaison
    UNCOVERED = "uncovered", _("Not covered")


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


def _covering_party_orgs(on: dt.date, *, standalone_only: bool = False) -> Exists:
    through = PartyOrganization.organizations.through
    links = through.objects.filter(
        party_organization_active_on(on, "partyorganization__"), socialorganization_id=OuterRef("pk")
    )
    if standalone_only:
        links = links.filter(partyorganization__formation=PartyOrganization.Formation.STANDALONE)
    return Exists(links)


def _current_instructor(on: dt.date) -> Exists:
    return Exists(InstructorAssignment.objects.current(on).filter(organization_id=OuterRef("pk")))


def coverage_conditions(*, on: dt.date | None = None) -> dict[str, Q]:
    """The coverage questions as boolean conditions over SocialOrganization.

    Annotations and aggregates both build on these expressions directly:
    aggregating over annotation names makes Django wrap the query in a
    subquery that drops the annotations it needs.
    """
    on = on or clock.today()
    org_covered = Q(_covering_party_orgs(on))
    has_own = Q(_covering_party_orgs(on, standalone_only=True))
    has_instructor = Q(_current_instructor(on))
    must_establish = Q(formal_party_members__gte=MUST_ESTABLISH_MEMBERS)
    return {
        "org_covered": org_covered,
        "has_own_party_org": has_own,
        "has_instructor": has_instructor,
        "work_covered": org_covered | has_instructor,
        "must_establish": must_establish,
        "must_establish_not_established": must_establish & ~has_own,
    }


# The coverage filter's extra choice: organisationally covered or by an instructor (工作覆盖).
WORK_COVERED = "work"


def with_coverage(qs: QuerySet[SocialOrganization], *, on: dt.date | None = None) -> QuerySet[SocialOrganization]:
    """Annotate the coverage conditions, coverage_state and responsible_body on every row,
    and `active_then`: registered and not deregistered on that day, the organisations
    the figures count."""
    on = on or clock.today()
    conditions = coverage_conditions(on=on)
    active = organization_active_on(on)
    # A deregistered organisation need establish nothing: like the figure, the
    # list counts 应建未建 only among the organisations active on the day.
    conditions["must_establish_not_established"] = active & conditions["must_establish_not_established"]
    return qs.annotate(
        active_then=ExpressionWrapper(active, BooleanField()),
        **{name: ExpressionWrapper(condition, BooleanField()) for name, condition in conditions.items()},
        coverage_state=Case(
            When(conditions["org_covered"], then=Value(CoverageState.ORGANISATIONAL)),
            When(conditions["has_instructor"], then=Value(CoverageState.WORK_ONLY)),
            default=Value(CoverageState.UNCOVERED),
            output_field=CharField(),
        ),
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
    return organization_rows(on=on).prefetch_related("party_organizations", "instructor_assignments")


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


def _party_rows(covered_count: Count) -> QuerySet[PartyOrganization]:
    return (
        PartyOrganization.objects.select_related("area", "supervising_unit", "parent")
        .annotate(covered_count=covered_count)
        .order_by("name", "pk")
    )


def party_organization_rows() -> QuerySet[PartyOrganization]:
    return _party_rows(Count("organizations", distinct=True))


def party_organization_rows_as_of(on: dt.date) -> QuerySet[PartyOrganization]:
    """The party organisations as they stood on `on`: established by then and not
    dissolved by then, each with the organisations it covered that were active then."""
    covered = Count("organizations", filter=organization_active_on(on, "organizations__"), distinct=True)
    return _party_rows(covered).filter(party_organization_active_on(on))


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
