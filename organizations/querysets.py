from __future__ import annotations

from django.db.models import Q

from accounts.scoping import ScopedQuerySet
from xian_partybuild import clock


class AreaQuerySet(ScopedQuerySet):
    area_lookup = ""

    def for_user(self, user):
        # Industry committees work across districts (the 条 of 条块结合), so
        # every area is theirs to filter by; their records are limited elsewhere.
        if getattr(user, "is_authenticated", False) and user.is_active and user.role == user.Role.INDUSTRY:
            return self.all()
        return super().for_user(user)

    def registration_areas(self) -> AreaQuerySet:
        """The city itself and the districts, counties and zones directly under it."""
        return self.filter(level__in=self.model.REGISTRATION_LEVELS)


class SupervisingUnitQuerySet(ScopedQuerySet):
    unit_lookup = ""

    def for_user(self, user):
        # A district official records organisations of any supervising unit in
        # the district; an industry committee only its own.
        if getattr(user, "is_authenticated", False) and user.is_active and user.role == user.Role.DISTRICT:
            return self.all()
        return super().for_user(user)


class SocialOrganizationQuerySet(ScopedQuerySet):
    area_lookup = "area"
    unit_lookup = "supervising_unit"

    def active(self) -> SocialOrganizationQuerySet:
        return self.filter(status=self.model.Status.ACTIVE)


class PartyOrganizationQuerySet(ScopedQuerySet):
    area_lookup = "area"
    unit_lookup = "supervising_unit"

    def active(self) -> PartyOrganizationQuerySet:
        return self.filter(status=self.model.Status.ACTIVE)


class InstructorAssignmentQuerySet(ScopedQuerySet):
    area_lookup = "organization__area"
    unit_lookup = "organization__supervising_unit"

    def current(self, on=None) -> InstructorAssignmentQuerySet:
        on = on or clock.today()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on), started_on__lte=on)


class InstructorLoadQuerySet(ScopedQuerySet):
    area_lookup = "area"
    unit_lookup = "supervising_unit"
