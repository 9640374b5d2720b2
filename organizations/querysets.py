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

    def for_user(self, user):
        """The rows that hold exactly the user's scope, each person once: the
        city's rows citywide, the rows of a district official's own area (they
        count every organisation under it), those of an industry committee's
        unit. Not the subtree that ScopedQuerySet would give: the rows of the
        areas under a district are already in the district's own."""
        rows = super().for_user(user)
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return rows
        if user.is_citywide:
            return rows.filter(citywide=True)
        if user.role == user.Role.DISTRICT and user.area_id:
            return rows.filter(citywide=False, area_id=user.area_id)
        if user.role == user.Role.INDUSTRY and user.supervising_unit_id:
            return rows.filter(citywide=False, area__isnull=True)
        return rows
