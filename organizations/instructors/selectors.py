"""Reads of instructor assignments, in the user's scope."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet, Sum

from ..models import InstructorAssignment, InstructorLoad, SocialOrganization

if TYPE_CHECKING:
    from accounts.models import User


def assignment_rows() -> QuerySet[InstructorAssignment]:
    """Every assignment with what its row shows; the view's mixin applies the scope."""
    return InstructorAssignment.objects.select_related("organization", "organization__area")


def workload_rows(*, user: User) -> QuerySet:
    """One row per person (name, phone, role) in the user's scope: organisations
    served today and in all, busiest first, from the workload tally
    (organizations/instructors/workload.py). The city reads its per-person
    rows as they are; a district or an industry committee sums its cells."""
    loads = InstructorLoad.objects.for_user(user)
    order = ("-serving", "person_name", "phone", "role")
    if user.is_citywide:
        return loads.filter(citywide=True).values("person_name", "phone", "role", "serving", "total").order_by(*order)
    return (
        loads.filter(citywide=False)
        .values("person_name", "phone", "role")
        .annotate(serving=Sum("serving"), total=Sum("total"))
        .order_by(*order)
    )


def assignable_organizations(*, user: User) -> QuerySet[SocialOrganization]:
    """Organisations the user may assign instructors to: active ones in scope."""
    return SocialOrganization.objects.for_user(user).filter(status=SocialOrganization.Status.ACTIVE)
