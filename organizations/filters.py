from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from ui.filters import AreaSubtreeFilter, SearchFilter, scoped_areas, scoped_units

from .models import PartyOrganization, SocialOrganization
from .selectors import CoverageState


class SocialOrganizationFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Name or credit code"), fields=("name", "credit_code"), upper=("credit_code",))
    area = AreaSubtreeFilter(label=_("Area"), queryset=scoped_areas)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=SocialOrganization.Category.choices)
    supervising_unit = django_filters.ModelChoiceFilter(label=_("Supervising unit"), queryset=scoped_units)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SocialOrganization.Status.choices)
    coverage = django_filters.ChoiceFilter(
        label=_("Coverage"),
        field_name="coverage_state",
        choices=CoverageState.choices,
    )
    must_establish_not_established = django_filters.BooleanFilter(
        label=_("Must establish, not yet established"),
        field_name="must_establish_not_established",
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = SocialOrganization
        fields = ["q", "area", "category", "supervising_unit", "status", "coverage", "must_establish_not_established"]


class PartyOrganizationFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Name or secretary"), fields=("name", "secretary"))
    area = AreaSubtreeFilter(label=_("Area"), queryset=scoped_areas)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PartyOrganization.Kind.choices)
    formation = django_filters.ChoiceFilter(label=_("Formation"), choices=PartyOrganization.Formation.choices)
    supervising_unit = django_filters.ModelChoiceFilter(label=_("Supervising unit"), queryset=scoped_units)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PartyOrganization.Status.choices)
    secretary_vacant = django_filters.BooleanFilter(
        label=_("Secretary vacant"), method="filter_vacant", widget=django_filters.widgets.BooleanWidget()
    )

    class Meta:
        model = PartyOrganization
        fields = ["q", "area", "kind", "formation", "supervising_unit", "status", "secretary_vacant"]

    def filter_vacant(self, qs, name, value):  # noqa: ARG002 (django-filter calls method= filters with the field name)
        if value is None:
            return qs
        return qs.filter(secretary="") if value else qs.exclude(secretary="")
