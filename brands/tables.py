from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Brand


class BrandTable(tables.Table):
    """Brands by name; a few hundred at most, so name, year and level all sort."""

    name = tables.Column(linkify=("brands:brand-detail", {"pk": tables.A("pk")}), order_by=("name", "pk"))
    party_organization = tables.Column(
        linkify=lambda record: record.party_organization.get_absolute_url(), order_by=("party_organization__name", "pk")
    )
    area = tables.Column(verbose_name=_("area"), accessor="party_organization__area", orderable=False)
    level = tables.Column(order_by=("level", "name", "pk"))
    year = tables.Column(order_by=("year", "name", "pk"))
    promotion = tables.Column(orderable=False, default="—")

    class Meta:
        model = Brand
        fields = ("name", "party_organization", "area", "level", "year", "promotion")
        order_by = ("name",)
