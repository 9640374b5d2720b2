from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from organizations.tables import YesNoColumn
from ui.columns import NumberColumn

from .models import IncubatedOrganization, Need, Project, ServiceItem

NUM = {"td": {"class": "num"}}


def _pilot_page(accessor: str):
    return ("community:pilot-page", {"pk": tables.A(accessor)})


class NeedTable(tables.Table):
    """Newest first; community, category, source and met are filters."""

    recorded_on = tables.DateColumn(order_by=("recorded_on", "pk"))
    community = tables.Column(linkify=_pilot_page("community_id"), orderable=False)
    district = tables.Column(
        verbose_name=_("district"), accessor="community__community__parent__parent", orderable=False
    )
    category = tables.Column(orderable=False)
    description = tables.Column(linkify=lambda record: record.get_absolute_url(), orderable=False)
    source = tables.Column(orderable=False)
    met = YesNoColumn(verbose_name=_("met"), orderable=False)

    class Meta:
        model = Need
        fields = ("recorded_on", "community", "district", "category", "description", "source", "met")
        order_by = ("-recorded_on",)


class ServiceItemTable(tables.Table):
    organization = tables.Column(order_by=("organization__name", "category", "pk"))
    organization_area = tables.Column(
        verbose_name=_("registration area"), accessor="organization__area", orderable=False
    )
    category = tables.Column(orderable=False)
    description = tables.Column(linkify=lambda record: record.get_absolute_url(), orderable=False)
    capacity = NumberColumn(orderable=False)

    class Meta:
        model = ServiceItem
        fields = ("organization", "organization_area", "category", "description", "capacity")
        order_by = ("organization",)


class ProjectTable(tables.Table):
    starts_on = tables.DateColumn(order_by=("starts_on", "pk"))
    name = tables.Column(linkify=lambda record: record.get_absolute_url(), orderable=False)
    community = tables.Column(
        verbose_name=_("pilot community"),
        accessor="need__community",
        linkify=_pilot_page("need__community_id"),
        orderable=False,
    )
    category = tables.Column(verbose_name=_("category"), accessor="need__category", orderable=False)
    organization = tables.Column(verbose_name=_("organisation"), accessor="service_item__organization", orderable=False)
    status = tables.Column(orderable=False)
    ends_on = tables.DateColumn(orderable=False, default="—")
    people_served = NumberColumn(orderable=False)

    class Meta:
        model = Project
        fields = ("starts_on", "name", "community", "category", "organization", "status", "ends_on", "people_served")
        order_by = ("-starts_on",)


class IncubatedOrganizationTable(tables.Table):
    name = tables.Column(linkify=lambda record: record.get_absolute_url(), orderable=False)
    community = tables.Column(
        linkify=_pilot_page("community_id"), order_by=("community__community__path", "name", "pk")
    )
    status = tables.Column(orderable=False)
    started_on = tables.DateColumn(orderable=False)
    registered_on = tables.DateColumn(orderable=False, default="—")
    organization = tables.Column(orderable=False, default="—")

    class Meta:
        model = IncubatedOrganization
        fields = ("name", "community", "status", "started_on", "registered_on", "organization")
        order_by = ("community",)
