"""Reads: the rows the brand pages show."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Brand


def brand_rows() -> QuerySet[Brand]:
    """Brands by name, with what the list shows of their party organisation."""
    return Brand.objects.select_related("party_organization__area").order_by("name", "pk")


def brand_detail() -> QuerySet[Brand]:
    return Brand.objects.select_related("party_organization__area", "party_organization__supervising_unit")
