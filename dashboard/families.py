"""What each tally counts: one Family per set of records and the tally
columns it adds to, with the lookups that place a record in its scopes.

The area and unit lookups are the records' own `area_lookup` and
`unit_lookup` (their querysets' for_user()), so that a scope's row holds
exactly the records that scope's users see. Area rows are kept per
registration area (district, county, zone, or the city's own), the areas
district officials and area snapshots stand for: a record in a community
counts in its district's row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, DecimalField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from coverage.models import EarlyWarning
from engagement.models import Contribution, PilotAssignment, PilotCommunity, PlaqueAward, TrainingBase
from ratings.models import Evaluation

from .models import ContributionTally, EngagementTally, RatingTally, Scope, Tally, WarningTally

ALL_SCOPES = (Scope.CITY, Scope.AREA, Scope.UNIT)


@dataclass(frozen=True)
class Family:
    """Records counted into a tally.

    An additive family sums `measures` (aggregates) per bucket; a family with
    an `owner` counts owners instead, each once per scope whatever its
    number of records (an organisation serving two pilot communities), and
    keeps one Membership row per owner and scope to stay exact."""

    name: str
    tally: type[Tally]
    records: Callable[[], QuerySet]
    area: str | None  # lookup to the record's Area
    unit: str | None  # lookup to the record's supervising unit id
    scopes: tuple[Scope, ...] = ALL_SCOPES
    buckets: dict[str, Any] = field(default_factory=dict)
    measures: dict[str, Any] = field(default_factory=dict)
    owner: str | None = None
    # The tally column an owner-counting family adds its owners to.
    counts: str = ""

    @property
    def counts_owners(self) -> bool:
        return self.owner is not None


def _half(date_field: str) -> Any:
    """The half-year a date falls in, numbered year * 2 + half - 1 (2020H2 is 4041)."""
    return ExtractYear(date_field) * 2 + Case(When(**{f"{date_field}__month__gt": 6}, then=Value(1)), default=Value(0))


def _yuan(name: str) -> Coalesce:
    return Coalesce(Sum(name), Value(0), output_field=DecimalField(max_digits=18, decimal_places=2))


RATINGS = Family(
    name="ratings",
    tally=RatingTally,
    records=lambda: Evaluation.objects.all(),
    area="party_organization__area",
    unit="party_organization__supervising_unit_id",
    buckets={"round_id": "round_id", "state": "state", "final_stars": Coalesce("final_stars", Value(0))},
    measures={"evaluations": Count("pk")},
)

WARNINGS = Family(
    name="warnings",
    tally=WarningTally,
    records=lambda: EarlyWarning.objects.all(),
    area="area",
    unit="supervising_unit_id",
    scopes=(*ALL_SCOPES, Scope.AREA_UNIT),
    buckets={
        "rule": "rule",
        "opened_half": _half("opened_on"),
        "closed_half": Case(When(closed_on__isnull=True, then=Value(0)), default=_half("closed_on")),
    },
    measures={"warnings": Count("pk")},
)

CONTRIBUTIONS = Family(
    name="contributions",
    tally=ContributionTally,
    records=lambda: Contribution.objects.all(),
    area="organization__area",
    unit="organization__supervising_unit_id",
    buckets={"kind": "kind"},
    measures={
        "records": Count("pk"),
        "money_yuan": _yuan("money_yuan"),
        "goods_value_yuan": _yuan("goods_value_yuan"),
        "people_helped": Coalesce(Sum("people_helped"), Value(0)),
        "exemplary_cases": Count("pk", filter=Q(is_exemplary_case=True)),
        "teams_sent": Coalesce(Sum("teams_sent"), Value(0)),
    },
)

TRAINING_BASES = Family(
    name="training_bases",
    tally=EngagementTally,
    records=lambda: TrainingBase.objects.all(),
    area="area",
    unit="host_organization__supervising_unit_id",
    measures={
        "training_bases": Count("pk", filter=Q(active=True)),
        "provincial_points": Count("pk", filter=Q(active=True, is_provincial_point=True)),
    },
)

# A pilot community belongs to the district of its community; it has no
# supervising unit, an industry committee counts those its organisations
# serve (COMMUNITY_UNITS), as PilotCommunityQuerySet.for_user() shows them.
PILOT_COMMUNITIES = Family(
    name="pilot_communities",
    tally=EngagementTally,
    records=lambda: PilotCommunity.objects.all(),
    area="community",
    unit=None,
    scopes=(Scope.CITY, Scope.AREA),
    measures={"pilot_communities": Count("pk")},
)

COMMUNITY_UNITS = Family(
    name="community_units",
    tally=EngagementTally,
    records=lambda: PilotAssignment.objects.all(),
    area=None,
    unit="organization__supervising_unit_id",
    scopes=(Scope.UNIT,),
    owner="community_id",
    counts="pilot_communities",
)

PILOT_ORGANIZATIONS = Family(
    name="pilot_organizations",
    tally=EngagementTally,
    records=lambda: PilotAssignment.objects.all(),
    area="community__community",
    unit="organization__supervising_unit_id",
    owner="organization_id",
    counts="pilot_organizations",
)

PLAQUES = Family(
    name="plaques",
    tally=EngagementTally,
    records=lambda: PlaqueAward.objects.all(),
    area="organization__area",
    unit="organization__supervising_unit_id",
    measures={"plaques": Count("pk"), "agreements": Count("pk", filter=Q(agreement_signed=True))},
)

FAMILIES = (
    RATINGS,
    WARNINGS,
    CONTRIBUTIONS,
    TRAINING_BASES,
    PILOT_COMMUNITIES,
    COMMUNITY_UNITS,
    PILOT_ORGANIZATIONS,
    PLAQUES,
)
TALLIES = (RatingTally, WarningTally, ContributionTally, EngagementTally)
