"""Filters for the community lists. Dropdowns are callable, scoped querysets:
a district official is offered only their own areas and communities."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from engagement.filters import PilotCommunityChoiceFilter
from engagement.models import PilotAssignment, PilotCommunity
from ui.filters import AreaSubtreeFilter, FilterSet, scoped

from .models import Category, IncubatedOrganization, Need, Project, ServiceItem
from .selectors import _met

_pilots = scoped(lambda: PilotCommunity.objects.select_related("community__parent"))
YES_NO = django_filters.widgets.BooleanWidget


class NeedFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Description"), field_name="description", lookup_expr="icontains")
    area = AreaSubtreeFilter(label=_("Area"), field_name="community__community")
    community = PilotCommunityChoiceFilter(label=_("Pilot community"), queryset=_pilots)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Need.Source.choices)
    met = django_filters.BooleanFilter(label=_("Met"), method="filter_met", widget=YES_NO())
    recorded_after = django_filters.DateFilter(label=_("From"), field_name="recorded_on", lookup_expr="gte")
    recorded_before = django_filters.DateFilter(label=_("To"), field_name="recorded_on", lookup_expr="lte")

    class Meta:
        model = Need
        fields = ["q", "area", "community", "category", "source", "met", "recorded_after", "recorded_before"]

    def filter_met(self, qs, name, value):  # noqa: ARG002 (django-filter calls method= filters with the field name)
        if value is None:
            return qs
        return qs.filter(_met()) if value else qs.filter(~_met())


class ServiceItemFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Organisation or description"), method="filter_q")
    area = AreaSubtreeFilter(label=_("Registration area"), field_name="organization__area")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    serving = django_filters.BooleanFilter(
        label=_("Serves a pilot community"), method="filter_serving", widget=YES_NO()
    )

    class Meta:
        model = ServiceItem
        fields = ["q", "area", "category", "serving"]

    def filter_q(self, qs, name, value):  # noqa: ARG002 (django-filter calls method= filters with the field name)
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(organization__name__icontains=value) | Q(description__icontains=value))

    def filter_serving(self, qs, name, value):  # noqa: ARG002 (django-filter calls method= filters with the field name)
        if value is None:
            return qs
        serving = Exists(PilotAssignment.objects.filter(organization=OuterRef("organization")))
        return qs.filter(serving) if value else qs.filter(~serving)


class ProjectFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    area = AreaSubtreeFilter(label=_("Area"), field_name="need__community__community")
    community = PilotCommunityChoiceFilter(label=_("Pilot community"), field_name="need__community", queryset=_pilots)
    category = django_filters.ChoiceFilter(label=_("Category"), field_name="need__category", choices=Category.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Project.Status.choices)

    class Meta:
        model = Project
        fields = ["q", "area", "community", "category", "status"]


class IncubatedOrganizationFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    area = AreaSubtreeFilter(label=_("Area"), field_name="community__community")
    community = PilotCommunityChoiceFilter(label=_("Pilot community"), queryset=_pilots)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=IncubatedOrganization.Status.choices)

    class Meta:
        model = IncubatedOrganization
        fields = ["q", "area", "community", "status"]
