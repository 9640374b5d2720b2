"""Reads: the rows the lists show, one pilot community's page, and the
matching figures (匹配率 = met needs / needs).

A need is met when a project for it is running or completed
(Project.MEETING). Every figure is counted from the needs the caller passes,
already scoped by the user, in one grouped query.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from engagement.models import PilotAssignment, PilotCommunity

from .models import Category, IncubatedOrganization, Need, Project, ServiceItem

if TYPE_CHECKING:
    from accounts.models import User


def _met() -> Exists:
    return Exists(Project.objects.filter(need=OuterRef("pk"), status__in=Project.MEETING))


def with_met(needs: QuerySet[Need]) -> QuerySet[Need]:
    return needs.annotate(met=_met())


# --------------------------------------------------------------------------
# Rows for the lists
# --------------------------------------------------------------------------


def need_rows() -> QuerySet[Need]:
    return with_met(Need.objects.select_related("community__community__parent__parent")).order_by("-recorded_on", "-pk")


def service_item_rows() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.select_related("organization__area").order_by("organization__name", "category", "pk")


def project_rows() -> QuerySet[Project]:
    return Project.objects.select_related(
        "need__community__community__parent__parent", "service_item__organization"
    ).order_by("-starts_on", "-pk")


def incubated_rows() -> QuerySet[IncubatedOrganization]:
    return IncubatedOrganization.objects.select_related(
        "community__community__parent__parent", "organization"
    ).order_by("community__community__path", "name", "pk")


# --------------------------------------------------------------------------
# One pilot community
# --------------------------------------------------------------------------


def pilot_pages(*, user: User | None = None) -> QuerySet[PilotCommunity]:
    """The pilot communities whose page the user opens: those whose needs they
    see. An industry committee sees no needs (community.querysets), so no page."""
    pilots = PilotCommunity.objects.select_related("community__parent__parent")
    if user is not None and Need.objects.for_user(user).query.is_empty():
        return pilots.none()
    return pilots


@dataclass
class CommunityPage:
    needs: list[Need]
    projects: list[Project]
    service_items: list[ServiceItem]
    incubated: list[IncubatedOrganization]
    serving: list[PilotAssignment]
    figures: dict = field(default_factory=dict)


def community_page(pilot: PilotCommunity, *, user: User) -> CommunityPage:
    """Everything the community page shows, each part in the user's scope."""
    needs = list(
        with_met(Need.objects.for_user(user).filter(community=pilot))
        .prefetch_related(Prefetch("projects", queryset=Project.objects.order_by("-starts_on", "-pk")))
        .order_by("met", "category", "-recorded_on", "pk")
    )
    projects = list(
        Project.objects.for_user(user)
        .filter(need__community=pilot)
        .select_related("need", "service_item__organization")
        .order_by("-starts_on", "-pk")
    )
    serving = list(
        PilotAssignment.objects.filter(community=pilot).select_related("organization").order_by("organization__name")
    )
    service_items = list(
        ServiceItem.objects.for_user(user)
        .filter(organization__in=[a.organization_id for a in serving])
        .select_related("organization")
        .order_by("organization__name", "category", "pk")
    )
    incubated = list(
        IncubatedOrganization.objects.for_user(user)
        .filter(community=pilot)
        .select_related("organization")
        .order_by("status", "name")
    )
    return CommunityPage(
        needs=needs,
        projects=projects,
        service_items=service_items,
        incubated=incubated,
        serving=serving,
        figures=matching_figures(needs),
    )


def _figures(total: int, met: int, unmet: Counter) -> dict:
    """Needs, met needs, the matching rate and the unmet needs by category."""
    return {
        "needs": total,
        "met": met,
        "unmet": total - met,
        "rate": met / total if total else None,
        "unmet_by_category": [(c.value, c.label, unmet[c.value]) for c in Category if unmet[c.value]],
    }


def matching_figures(needs) -> dict:
    """The figures of needs already read and annotated with `met` (a community's, on its page)."""
    return _figures(len(needs), sum(1 for n in needs if n.met), Counter(n.category for n in needs if not n.met))


# --------------------------------------------------------------------------
# The district page
# --------------------------------------------------------------------------


@dataclass
class MatchingRow:
    label: str
    needs: int
    met: int
    pk: int | None = None
    code: str = ""

    @property
    def unmet(self) -> int:
        return self.needs - self.met

    @property
    def rate(self) -> float | None:
        return self.met / self.needs if self.needs else None


def matching_summary(needs: QuerySet[Need]) -> dict:
    """The matching rate and the unmet needs by category over `needs` (scoped
    by the caller), in three queries."""
    needs = needs.order_by()
    unmet = Counter(
        dict(needs.filter(~_met()).values_list("category").annotate(n=Count("pk")).values_list("category", "n"))
    )
    return _figures(needs.count(), needs.filter(_met()).count(), unmet)


def community_rows(needs: QuerySet[Need], pilots: QuerySet[PilotCommunity]) -> list[MatchingRow]:
    """One row per pilot community in `pilots`, in the area tree's order,
    with zero needs where none is recorded."""
    counts = {
        row["community"]: row
        for row in needs.order_by()
        .annotate(is_met=_met())
        .values("community")
        .annotate(needs=Count("pk"), met=Count("pk", filter=Q(is_met=True)))
    }
    rows = []
    for pilot in pilots.select_related("community__parent").order_by("community__path"):
        found = counts.get(pilot.pk, {"needs": 0, "met": 0})
        label = f"{pilot.community.parent.name} · {pilot.community.name}" if pilot.community.parent_id else str(pilot)
        rows.append(MatchingRow(label=label, needs=found["needs"], met=found["met"], pk=pilot.pk))
    return rows


def district_rows(needs: QuerySet[Need], districts) -> list[MatchingRow]:
    """One row per district (each an Area above its communities' sub-districts)."""
    counts: dict[str, Counter] = {}
    grouped = (
        needs.order_by()
        .annotate(is_met=_met())
        .values("community__community__path")
        .annotate(needs=Count("pk"), met=Count("pk", filter=Q(is_met=True)))
    )
    for row in grouped:
        for district in districts:
            if row["community__community__path"].startswith(district.path):
                counts.setdefault(district.code, Counter()).update({"needs": row["needs"], "met": row["met"]})
                break
    return [
        MatchingRow(
            label=district.name,
            needs=counts.get(district.code, Counter())["needs"],
            met=counts.get(district.code, Counter())["met"],
            pk=district.pk,
            code=district.code,
        )
        for district in districts
    ]
