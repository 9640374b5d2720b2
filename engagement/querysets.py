"""Scope for training, pilot and contribution records.

Each queryset names the path from its model to an area and to a supervising
unit; ScopedQuerySet.for_user() does the rest, as for the organisations.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from accounts.scoping import ScopedQuerySet


class TrainingBaseQuerySet(ScopedQuerySet):
    area_lookup = "area"
    # An industry committee answers for the bases its own organisations host.
    unit_lookup = "host_organization__supervising_unit"

    def active(self) -> TrainingBaseQuerySet:
        return self.filter(active=True)


class TrainingSessionQuerySet(ScopedQuerySet):
    area_lookup = "base__area"
    unit_lookup = "base__host_organization__supervising_unit"


class PilotCommunityQuerySet(ScopedQuerySet):
    area_lookup = "community"

    def for_user(self, user):
        # A pilot community has no supervising unit of its own: an industry
        # committee sees the communities its organisations serve. EXISTS
        # rather than a join, so a community served by two of them is one row.
        if (
            getattr(user, "is_authenticated", False)
            and user.is_active
            and not user.is_citywide
            and user.role == user.Role.INDUSTRY
            and user.supervising_unit_id
        ):
            assignments = self.model._meta.get_field("assignments").related_model.objects
            return self.filter(
                Exists(assignments.filter(community=OuterRef("pk"), organization_unit_id=user.supervising_unit_id))
            )
        return super().for_user(user)


class PilotAssignmentQuerySet(ScopedQuerySet):
    # The district answers for the pilots in its communities, whichever
    # district registered the organisation that serves there.
    area_lookup = "community__community"
    # The organisation's unit, as copied onto the assignment (models.py).
    unit_lookup = "organization_unit"


class PlaqueAwardQuerySet(ScopedQuerySet):
    # The organisation's area and unit, as copied onto the record (models.py).
    area_lookup = "organization_area"
    unit_lookup = "organization_unit"

    def with_agreement(self) -> PlaqueAwardQuerySet:
        return self.filter(agreement_signed=True)


class ContributionQuerySet(ScopedQuerySet):
    area_lookup = "organization_area"
    unit_lookup = "organization_unit"

    def of_kind(self, kind: str) -> ContributionQuerySet:
        return self.filter(kind=kind)

    def with_teams(self) -> ContributionQuerySet:
        return self.filter(Q(teams_sent__gt=0))
