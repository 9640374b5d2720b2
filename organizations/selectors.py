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
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import (
    MUST_ESTABLISH_MEMBERS,
    InstructorAssignment,
    PartyOrganization,
    SocialOrganization,
)


class CoverageState:
    """How an organisation is covered, from best to worst."""

    ORGANISATIONAL = "organisational"  # an active party organisation covers it
    WORK_ONLY = "work_only"  # no party organisation, but an instructor or liaison
    UNCOVERED = "uncovered"


def _covering_party_orgs(*, standalone_only: bool = False) -> Exists:
    through = PartyOrganization.organizations.through
    links = through.objects.filter(
        socialorganization_id=OuterRef("pk"), partyorganization__status=PartyOrganization.Status.ACTIVE
    )
    if standalone_only:
        links = links.filter(partyorganization__formation=PartyOrganization.Formation.STANDALONE)
    return Exists(links)


def _current_instructor(on: dt.date) -> Exists:
    return Exists(InstructorAssignment.objects.current(on).filter(organization_id=OuterRef("pk")))


def with_coverage(qs: QuerySet[SocialOrganization], *, on: dt.date | None = None) -> QuerySet[SocialOrganization]:
    """Annotate org_covered, has_own_party_org, has_instructor, work_covered,
    must_establish, must_establish_not_established, coverage_state and
    responsible_body on every row."""
    on = on or timezone.localdate()
    qs = qs.annotate(
        org_covered=_covering_party_orgs(),
        has_own_party_org=_covering_party_orgs(standalone_only=True),
        has_instructor=_current_instructor(on),
        must_establish=ExpressionWrapper(Q(formal_party_members__gte=MUST_ESTABLISH_MEMBERS), BooleanField()),
    )
    return qs.annotate(
        work_covered=ExpressionWrapper(Q(org_covered=True) | Q(has_instructor=True), BooleanField()),
        must_establish_not_established=ExpressionWrapper(
            Q(must_establish=True, has_own_party_org=False), BooleanField()
        ),
        coverage_state=Case(
            When(org_covered=True, then=Value(CoverageState.ORGANISATIONAL)),
            When(has_instructor=True, then=Value(CoverageState.WORK_ONLY)),
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
    return with_coverage(
        SocialOrganization.objects.select_related("area", "supervising_unit"), on=on
    )


def organization_detail(*, on: dt.date | None = None) -> QuerySet[SocialOrganization]:
    return organization_rows(on=on).prefetch_related("party_organizations", "instructor_assignments")


def coverage_summary(qs: QuerySet[SocialOrganization], *, on: dt.date | None = None) -> dict[str, float | int]:
    """Counts and rates for the active organisations among qs, in one query."""
    rows = with_coverage(qs.filter(status=SocialOrganization.Status.ACTIVE), on=on)
    figures = rows.aggregate(
        organizations=Count("pk"),
        org_covered=Count("pk", filter=Q(org_covered=True)),
        work_covered=Count("pk", filter=Q(work_covered=True)),
        must_establish=Count("pk", filter=Q(must_establish=True)),
        must_establish_not_established=Count("pk", filter=Q(must_establish_not_established=True)),
        formal_party_members=Coalesce(Sum("formal_party_members"), 0),
    )
    total = figures["organizations"]
    figures["org_coverage_rate"] = figures["org_covered"] / total if total else 0.0
    figures["work_coverage_rate"] = figures["work_covered"] / total if total else 0.0
    return figures


def party_organization_rows() -> QuerySet[PartyOrganization]:
    return PartyOrganization.objects.select_related("area", "supervising_unit", "parent").annotate(
        covered_count=Count("organizations", distinct=True)
    )


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
