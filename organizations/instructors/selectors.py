"""Reads of instructor assignments, in the user's scope."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from ..models import InstructorAssignment, InstructorLoad, SocialOrganization

if TYPE_CHECKING:
    from accounts.models import User


def assignment_rows() -> QuerySet[InstructorAssignment]:
    """Every assignment with what its row shows; the view's mixin applies the scope."""
    return InstructorAssignment.objects.select_related("organization", "organization__area")


def workload_rows(*, user: User) -> QuerySet:
    """One row per person (name, phone, role) in the user's scope: organisations
    served today and in all, busiest first, read as they are from the
    workload tally's rows for that scope (organizations/instructors/workload.py)."""
    return (
        InstructorLoad.objects.for_user(user)
        .values("person_name", "phone", "role", "serving", "total")
        .order_by("-serving", "person_name", "phone", "role")
    )


def assignable_organizations(*, user: User) -> QuerySet[SocialOrganization]:
    """Organisations the user may assign instructors to: active ones in scope."""
    return SocialOrganization.objects.for_user(user).filter(status=SocialOrganization.Status.ACTIVE)
