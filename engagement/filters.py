"""Filters for the engagement lists. Dropdowns are callable, scoped querysets:
a district official is offered only their own areas, bases and communities."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from organizations.models import SocialOrganization
from ui.filters import AreaSubtreeFilter, FilterSet, RelatedNameSearchFilter, SearchFilter, scoped

from .forms import CommunityChoiceField
from .models import Contribution, PilotAssignment, PilotCommunity, PlaqueAward, TrainingBase, TrainingSession

_bases = scoped(lambda: TrainingBase.objects.only("pk", "name"))
_ORGANIZATION_NAME = SearchFilter(fields=("name",), gram_indexed=("name",))
_pilot_communities = scoped(lambda: PilotCommunity.objects.select_related("community__parent"))


class PilotCommunityChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = CommunityChoiceField


YES_NO = django_filters.widgets.BooleanWidget


class TrainingBaseFilter(FilterSet):
    q = SearchFilter(label=_("Name or host"), fields=("name", "host_organization__name", "host_name"))
    area = AreaSubtreeFilter(label=_("Area"))
    function = django_filters.ChoiceFilter(
        label=_("Function"), choices=TrainingBase.Function.choices, method="filter_function"
    )
    is_provincial_point = django_filters.BooleanFilter(label=_("Provincial on-site teaching point"), widget=YES_NO())
    active = django_filters.BooleanFilter(label=_("Active"), widget=YES_NO())

    class Meta:
        model = TrainingBase
        fields = ["q", "area", "function", "is_provincial_point", "active"]

    def filter_function(self, qs, name, value):  # noqa: ARG002 (django-filter calls method= filters with the field name)
        field = TrainingBase.FUNCTION_FIELDS.get(value)
        return qs.filter(**{field: True}) if field else qs


class TrainingSessionFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Topic"), field_name="topic", lookup_expr="icontains")
    base = django_filters.ModelChoiceFilter(label=_("Training base"), queryset=_bases)
    area = AreaSubtreeFilter(label=_("Area"), field_name="base__area")
    held_after = django_filters.DateFilter(label=_("From"), field_name="held_on", lookup_expr="gte")
    held_before = django_filters.DateFilter(label=_("To"), field_name="held_on", lookup_expr="lte")

    class Meta:
        model = TrainingSession
        fields = ["q", "base", "area", "held_after", "held_before"]


class PilotCommunityFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Community"), field_name="community__name", lookup_expr="icontains")
    area = AreaSubtreeFilter(label=_("Area"), field_name="community")

    class Meta:
        model = PilotCommunity
        fields = ["q", "area"]


class PilotAssignmentFilter(FilterSet):
    q = RelatedNameSearchFilter(label=_("Organisation"), related={"organization": "organizations.SocialOrganization"})
    area = AreaSubtreeFilter(label=_("Area of the community"), field_name="community__community")
    community = PilotCommunityChoiceFilter(label=_("Pilot community"), queryset=_pilot_communities)
    category = django_filters.ChoiceFilter(
        label=_("Category"), field_name="organization__category", choices=SocialOrganization.Category.choices
    )
    # The dashboard's "serving organisations" counts an organisation serving
    # two communities once: one row each, its first assignment in these rows.
    per_organization = django_filters.BooleanFilter(
        label=_("One row per organisation"), method="filter_per_organization", widget=YES_NO()
    )

    class Meta:
        model = PilotAssignment
        fields = ["q", "area", "community", "category", "per_organization"]

    def filter_per_organization(self, qs, name, value):  # noqa: ARG002 (django-filter calls method= filters with the field name)
        if not value:
            return qs
        # No earlier assignment of the same organisation in these rows: an
        # anti-join probed per row (the organisation's one or two
        # assignments), where a grouped MIN would read every row first.
        earlier = qs.order_by().filter(organization=OuterRef("organization"), pk__lt=OuterRef("pk"))
        return qs.filter(~Exists(earlier))


class PlaqueAwardFilter(FilterSet):
    q = RelatedNameSearchFilter(label=_("Organisation"), related={"organization": "organizations.SocialOrganization"})
    area = AreaSubtreeFilter(label=_("Area"), field_name="organization_area", by_key=True)
    agreement_signed = django_filters.BooleanFilter(label=_("Pairing agreement signed"), widget=YES_NO())
    awarded_on = django_filters.DateFilter(label=_("Date"))

    class Meta:
        model = PlaqueAward
        fields = ["q", "area", "agreement_signed", "awarded_on"]


class ContributionFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Organisation or description"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Contribution.Kind.choices)
    area = AreaSubtreeFilter(label=_("Area"), field_name="organization_area", by_key=True)
    is_exemplary_case = django_filters.BooleanFilter(label=_("Exemplary case"), widget=YES_NO())
    sent_teams = django_filters.BooleanFilter(label=_("Sent teams"), method="filter_teams", widget=YES_NO())
    made_after = django_filters.DateFilter(label=_("From"), field_name="made_on", lookup_expr="gte")
    made_before = django_filters.DateFilter(label=_("To"), field_name="made_on", lookup_expr="lte")

    class Meta:
        model = Contribution
        fields = ["q", "kind", "area", "is_exemplary_case", "sent_teams", "made_after", "made_before"]

    def filter_q(self, qs, name, value):  # noqa: ARG002 (django-filter calls method= filters with the field name)
        value = (value or "").strip()
        if not value:
            return qs
        # The organisation's name in its own table's search indexes, matched by
        # key; the description on the contribution itself.
        names = _ORGANIZATION_NAME.filter(SocialOrganization.objects.all(), value).values("pk")
        return qs.filter(Q(organization__in=names) | Q(description__icontains=value))

    def filter_teams(self, qs, name, value):  # noqa: ARG002 (django-filter calls method= filters with the field name)
        if value is None:
            return qs
        return qs.filter(teams_sent__gt=0) if value else qs.filter(teams_sent=0)
