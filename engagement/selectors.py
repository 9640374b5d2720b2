"""Reads: the rows the list pages show and the figures the dashboard shows.

Every summary takes a queryset (already scoped by the caller) and answers in
one aggregate query, whatever the number of rows; `engagement_summary()` is
the whole set for one user in six.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from dashboard.selectors import engagement_figures

from .models import (
    Contribution,
    PilotAssignment,
    PilotCommunity,
    PlaqueAward,
    TrainingBase,
    TrainingSession,
)

if TYPE_CHECKING:
    from accounts.models import User

ZERO = Decimal("0.00")


# --------------------------------------------------------------------------
# Rows for the list and detail pages
# --------------------------------------------------------------------------


def training_base_rows() -> QuerySet[TrainingBase]:
    """Bases by name (its unique index), each with the number of sessions held
    there, counted for the page's rows only: a grouped join would count the
    sessions of every base before the page is cut."""
    sessions = (
        TrainingSession.objects.filter(base=OuterRef("pk"))
        .order_by()
        .values("base")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        TrainingBase.objects.select_related("area", "host_organization")
        .annotate(session_count=Coalesce(Subquery(sessions, output_field=IntegerField()), 0))
        .order_by("name")
    )


def training_base_detail() -> QuerySet[TrainingBase]:
    # Sessions are scoped through their base, so a visible base's sessions are all visible.
    return TrainingBase.objects.select_related("area", "host_organization").prefetch_related(
        Prefetch("sessions", queryset=TrainingSession.objects.order_by("-held_on", "topic"))
    )


def training_session_rows() -> QuerySet[TrainingSession]:
    """Newest first, read in order from the (held_on, id) index."""
    return TrainingSession.objects.select_related("base__area").order_by("-held_on", "-pk")


# A pilot community's row names this many of the organisations serving it
# (and says how many there are): at a million organisations a community is
# served by hundreds, which the pilot organisation list pages through.
SERVING_SHOWN = 5


def _serving(user: User | None) -> QuerySet[PilotAssignment]:
    assignments = PilotAssignment.objects.all()
    return assignments.for_user(user) if user is not None else assignments


def pilot_community_rows(*, user: User | None = None) -> QuerySet[PilotCommunity]:
    """Pilot communities with the organisations serving them: the first
    SERVING_SHOWN chosen (`serving`) and how many (`serving_count`), for the
    page's communities only. The first ones are taken by the assignments'
    own columns and their organisations read afterwards for just those rows:
    taken by name, every serving organisation of the page's communities
    would be read to sort them.

    The serving organisations are those within the user's own scope: an
    industry committee sees a community because one of its organisations
    serves it, not the other industries' organisations beside it.
    """
    counts = (
        _serving(user)
        .filter(community=OuterRef("pk"))
        .order_by()
        .values("community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        PilotCommunity.objects.select_related("community__parent__parent")
        .annotate(serving_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0))
        .prefetch_related(
            Prefetch(
                "assignments", queryset=_serving(user).order_by("selected_on", "pk")[:SERVING_SHOWN], to_attr="serving"
            ),
            "serving__organization",
        )
        .order_by("community__path", "pk")
    )


def pilot_community_detail(*, user: User | None = None) -> QuerySet[PilotCommunity]:
    """One community with every organisation serving it (in the user's scope) and its plaques."""
    plaques = PlaqueAward.objects.select_related("organization").order_by("-awarded_on", "organization__name")
    if user is not None:
        plaques = plaques.for_user(user)
    return (
        PilotCommunity.objects.select_related("community__parent__parent")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=_serving(user).select_related("organization").order_by("organization__name", "pk"),
                to_attr="serving",
            )
        )
        .prefetch_related(Prefetch("plaques", queryset=plaques, to_attr="visible_plaques"))
    )


def pilot_assignment_rows() -> QuerySet[PilotAssignment]:
    """By community (the area tree's path index, a few hundred communities),
    then organisation name within each community's few hundred rows."""
    return PilotAssignment.objects.select_related(
        "organization__area", "organization__supervising_unit", "community__community__parent"
    ).order_by("community__community__path", "organization__name", "pk")


def plaque_award_rows() -> QuerySet[PlaqueAward]:
    """Newest first, read in order from the (awarded_on, id) index."""
    return PlaqueAward.objects.select_related("organization__area", "community__community").order_by(
        "-awarded_on", "-pk"
    )


def contribution_rows() -> QuerySet[Contribution]:
    """Newest first, read in order from the (made_on, id) index."""
    return Contribution.objects.select_related("organization__area", "organization__supervising_unit").order_by(
        "-made_on", "-pk"
    )


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------


def training_base_summary(bases: QuerySet[TrainingBase]) -> dict[str, int]:
    """Active bases and, among them, provincial on-site teaching points; one query."""
    return bases.filter(active=True).aggregate(
        bases=Count("pk"),
        provincial_points=Count("pk", filter=Q(is_provincial_point=True)),
        **{
            f"function_{function.value}": Count("pk", filter=Q(**{field: True}))
            for function, field in TrainingBase.FUNCTION_FIELDS.items()
        },
        all_five_functions=Count("pk", filter=Q(**dict.fromkeys(TrainingBase.FUNCTION_FIELDS.values(), True))),
    )


def training_session_summary(sessions: QuerySet[TrainingSession]) -> dict[str, int]:
    """Sessions, attendees and new branch secretaries trained; one query."""
    return sessions.aggregate(
        sessions=Count("pk"),
        attendees=Coalesce(Sum("attendees"), 0),
        new_secretaries=Coalesce(Sum("new_secretaries"), 0),
    )


def pilot_community_summary(communities: QuerySet[PilotCommunity]) -> dict[str, int]:
    return communities.aggregate(pilot_communities=Count("pk"))


def pilot_assignment_summary(assignments: QuerySet[PilotAssignment]) -> dict[str, int]:
    """Pilot organisations (an organisation serving two communities counts once) and assignments; one query."""
    return assignments.aggregate(
        pilot_organizations=Count("organization", distinct=True),
        assignments=Count("pk"),
        served_communities=Count("community", distinct=True),
    )


def plaque_summary(plaques: QuerySet[PlaqueAward]) -> dict[str, int]:
    """Plaques awarded and pairing agreements signed; one query."""
    return plaques.aggregate(
        plaques=Count("pk"),
        agreements=Count("pk", filter=Q(agreement_signed=True)),
        plaque_organizations=Count("organization", distinct=True),
    )


def _yuan(expression: Any) -> Coalesce:
    return Coalesce(expression, Value(ZERO), output_field=DecimalField(max_digits=16, decimal_places=2))


def contribution_summary(contributions: QuerySet[Contribution]) -> dict[str, dict[str, Any]]:
    """Totals by kind, in one query: {kind: {records, money, goods, total, people, exemplary_cases, teams}}.

    `total` is money plus priced goods, the figure the source reports for
    epidemic control (捐款及可计价物资总额).
    """
    names = ("records", "money", "goods", "people", "exemplary_cases", "teams")
    aggregates: dict[str, Any] = {}
    for kind in Contribution.Kind:
        of_kind = Q(kind=kind)
        expressions = (
            Count("pk", filter=of_kind),
            _yuan(Sum("money_yuan", filter=of_kind)),
            _yuan(Sum("goods_value_yuan", filter=of_kind)),
            Coalesce(Sum("people_helped", filter=of_kind), 0),
            Count("pk", filter=of_kind & Q(is_exemplary_case=True)),
            Coalesce(Sum("teams_sent", filter=of_kind), 0),
        )
        aggregates |= {f"{kind.value}_{name}": expression for name, expression in zip(names, expressions, strict=True)}
    flat = contributions.aggregate(**aggregates)
    summary = {kind.value: {name: flat[f"{kind.value}_{name}"] for name in names} for kind in Contribution.Kind}
    for figures in summary.values():
        # Added here rather than in SQL: a sum of decimal expressions comes
        # back as a float on SQLite, the two sums do not.
        figures["total"] = figures["money"] + figures["goods"]
    return summary


def index_figures(user: User) -> dict[str, dict[str, Any]]:
    """The index page's figures within the user's scope, in four queries
    whatever the number of records: training from the bases and sessions
    (a few hundred at most), pilots and contributions from the dashboard's
    tallies (kept true by every write), which engagement_summary() counts
    from the records."""
    tallied = engagement_figures(user)
    return {
        "training": {
            **training_base_summary(TrainingBase.objects.for_user(user)),
            **training_session_summary(TrainingSession.objects.for_user(user)),
        },
        "pilots": tallied["pilots"],
        "contributions": tallied["contributions"],
    }


def engagement_summary(user: User) -> dict[str, dict[str, Any]]:
    """Every figure of this app within the user's scope, in six queries."""
    return {
        "training": {
            **training_base_summary(TrainingBase.objects.for_user(user)),
            **training_session_summary(TrainingSession.objects.for_user(user)),
        },
        "pilots": {
            **pilot_community_summary(PilotCommunity.objects.for_user(user)),
            **pilot_assignment_summary(PilotAssignment.objects.for_user(user)),
            **plaque_summary(PlaqueAward.objects.for_user(user)),
        },
        "contributions": contribution_summary(Contribution.objects.for_user(user)),
    }
