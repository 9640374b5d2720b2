"""Scope for needs, service items, projects and incubated organisations.

Needs, projects and incubated organisations belong to a pilot community: a
district official sees those of the communities in their district, the city's
users all of them. An industry committee (the lawyers) answers for
organisations, not for communities: it sees none of them, and only the
service items its own organisations offer.

A service item belongs to an organisation. A district official sees those of
the organisations registered in the district and of those serving one of the
district's pilot communities (a municipal organisation serving 保吉巷社区 is
matched there by 碑林区), but changes only the former (`writable_for`).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from accounts.scoping import ScopedQuerySet
from engagement.models import PilotAssignment


class NeedQuerySet(ScopedQuerySet):
    area_lookup = "community__community"


class ProjectQuerySet(ScopedQuerySet):
    area_lookup = "need__community__community"

    def meeting(self) -> ProjectQuerySet:
        """The projects that make their need met: running or completed."""
        return self.filter(status__in=self.model.MEETING)


class IncubatedOrganizationQuerySet(ScopedQuerySet):
    area_lookup = "community__community"


class ServiceItemQuerySet(ScopedQuerySet):
    area_lookup = "organization__area"
    unit_lookup = "organization__supervising_unit"

    def for_user(self, user):
        own = super().for_user(user)
        if not (
            getattr(user, "is_authenticated", False)
            and user.is_active
            and not user.is_citywide
            and user.role == user.Role.DISTRICT
            and user.area_id
        ):
            return own
        serving_here = PilotAssignment.objects.filter(
            organization=OuterRef("organization"), community__community__path__startswith=user.area.path
        )
        return self.filter(Q(organization__area__path__startswith=user.area.path) | Exists(serving_here))

    def writable_for(self, user):
        return super().for_user(user)
