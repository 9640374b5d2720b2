"""Reads: the organisations with their indicators, in one query."""

from __future__ import annotations

from django.db.models import QuerySet

from organizations.models import SocialOrganization
from organizations.selectors import organization_active_on
from xian_partybuild import clock


def organization_rows() -> QuerySet[SocialOrganization]:
    """The active organisations (the ones the rates count), each with its row
    if it has one (a LEFT JOIN: an organisation without one lacks all four)."""
    return (
        SocialOrganization.objects.filter(organization_active_on(clock.today()))
        .select_related("area", "political")
        .order_by("name", "pk")
    )
