"""Filters for the engagement lists. Dropdowns are callable, scoped querysets:
a district official is offered only their own areas, bases and communities."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.filters import AreaSubtreeFilter
from organizations.models import Area, SocialOrganization

from .forms import CommunityChoiceField
from .models import Contribution, PilotAssignment, PilotCommunity, PlaqueAward, TrainingBase, TrainingSession


def _areas(request):
    return Area.objects.for_user(request.user).registration_areas() if request else Area.objects.none()


def _bases(request):
    return TrainingBase.objects.for_user(request.user).only("pk", "name") if request else TrainingBase.objects.none()


def _pilot_communities(request):
    if not request:
        return PilotCommunity.objects.none()
    return PilotCommunity.objects.for_user(request.user).select_related("community__parent")


class PilotCommunityChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = CommunityChoiceField


YES_NO = django_filters.widgets.BooleanWidget


class TrainingBaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or host"), method="search")
    area = AreaSubtreeFilter(label=_("Area"), queryset=_areas)
    function = django_filters.ChoiceFilter(
        label=_("Function"), choices=TrainingBase.Function.choices, method="filter_function"
    )
    is_provincial_point = django_filters.BooleanFilter(label=_("Provincial on-site teaching point"), widget=YES_NO())
    active = django_filters.BooleanFilter(label=_("Active"), widget=YES_NO())

    class Meta:
        model = TrainingBase
        fields = ["q", "area", "function", "is_provincial_point", "active"]

    def search(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(name__icontains=value) | Q(host_organization__name__icontains=value) | Q(host_name__icontains=value)
        )

    def filter_function(self, qs, name, value):
        field = TrainingBase.FUNCTION_FIELDS.get(value)
        return qs.filter(**{field: True}) if field else qs


class TrainingSessionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Topic"), field_name="topic", lookup_expr="icontains")
    base = django_filters.ModelChoiceFilter(label=_("Training base"), queryset=_bases)
    area = AreaSubtreeFilter(label=_("Area"), field_name="base__area", queryset=_areas)
    held_after = django_filters.DateFilter(label=_("From"), field_name="held_on", lookup_expr="gte")
    held_before = django_filters.DateFilter(label=_("To"), field_name="held_on", lookup_expr="lte")

    class Meta:
        model = TrainingSession
        fields = ["q", "base", "area", "held_after", "held_before"]


class PilotCommunityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Community"), field_name="community__name", lookup_expr="icontains")
    area = AreaSubtreeFilter(label=_("Area"), field_name="community", queryset=_areas)

    class Meta:
        model = PilotCommunity
        fields = ["q", "area"]


class PilotAssignmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Organisation"), field_name="organization__name", lookup_expr="icontains")
    area = AreaSubtreeFilter(label=_("Area of the community"), field_name="community__community", queryset=_areas)
    community = PilotCommunityChoiceFilter(label=_("Pilot community"), queryset=_pilot_communities)
    category = django_filters.ChoiceFilter(
        label=_("Category"), field_name="organization__category", choices=SocialOrganization.Category.choices
    )

    class Meta:
        model = PilotAssignment
        fields = ["q", "area", "community", "category"]


class PlaqueAwardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Organisation"), field_name="organization__name", lookup_expr="icontains")
    area = AreaSubtreeFilter(label=_("Area"), field_name="organization__area", queryset=_areas)
    agreement_signed = django_filters.BooleanFilter(label=_("Pairing agreement signed"), widget=YES_NO())
    awarded_on = django_filters.DateFilter(label=_("Date"))

    class Meta:
        model = PlaqueAward
        fields = ["q", "area", "agreement_signed", "awarded_on"]


class ContributionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Organisation or description"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Contribution.Kind.choices)
    area = AreaSubtreeFilter(label=_("Area"), field_name="organization__area", queryset=_areas)
    is_exemplary_case = django_filters.BooleanFilter(label=_("Exemplary case"), widget=YES_NO())
    sent_teams = django_filters.BooleanFilter(label=_("Sent teams"), method="filter_teams", widget=YES_NO())
    made_after = django_filters.DateFilter(label=_("From"), field_name="made_on", lookup_expr="gte")
    made_before = django_filters.DateFilter(label=_("To"), field_name="made_on", lookup_expr="lte")

    class Meta:
        model = Contribution
        fields = ["q", "kind", "area", "is_exemplary_case", "sent_teams", "made_after", "made_before"]

    def search(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(organization__name__icontains=value) | Q(description__icontains=value))

    def filter_teams(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(teams_sent__gt=0) if value else qs.filter(teams_sent=0)
