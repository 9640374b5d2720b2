"""Reads of instructor assignments, in the user's scope."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Max, Q, QuerySet

from xian_partybuild import clock

from ..models import InstructorAssignment, SocialOrganization

if TYPE_CHECKING:
    from accounts.models import User


def assignment_rows() -> QuerySet[InstructorAssignment]:
    """Every assignment with what its row shows; the view's mixin applies the scope."""
    return InstructorAssignment.objects.select_related("organization", "organization__area")


def workload_rows(*, user: User) -> QuerySet:
    """One row per person (name, phone, role) in the user's scope: organisations served today and in all."""
    today = clock.today()
    serving = Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    return (
        InstructorAssignment.objects.for_user(user)
        .values("person_name", "phone", "role")
        .annotate(serving=Count("pk", filter=serving), total=Count("pk"), latest_start=Max("started_on"))
        .order_by("-serving", "person_name", "phone")
    )


def assignable_organizations(*, user: User) -> QuerySet[SocialOrganization]:
    """Organisations the user may assign instructors to: active ones in scope."""
    return SocialOrganization.objects.for_user(user).filter(status=SocialOrganization.Status.ACTIVE)
