from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Area, PartyOrganization, SocialOrganization, SupervisingUnit
from .selectors import CoverageState


def _areas(request):
    return Area.objects.for_user(request.user).registration_areas() if request else Area.objects.none()


def _units(request):
    return SupervisingUnit.objects.for_user(request.user) if request else SupervisingUnit.objects.none()


class AreaSubtreeFilter(django_filters.ModelChoiceFilter):
    """An area and everything below it."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__path__startswith": value.path})


class SocialOrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or credit code"), method="search")
    area = AreaSubtreeFilter(label=_("Area"), queryset=_areas)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=SocialOrganization.Category.choices)
    supervising_unit = django_filters.ModelChoiceFilter(label=_("Supervising unit"), queryset=_units)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SocialOrganization.Status.choices)
    coverage = django_filters.ChoiceFilter(
        label=_("Coverage"),
        field_name="coverage_state",
        choices=[
            (CoverageState.ORGANISATIONAL, _("Organisationally covered")),
            (CoverageState.WORK_ONLY, _("Work covered by an instructor only")),
            (CoverageState.UNCOVERED, _("Not covered")),
        ],
    )
    must_establish_not_established = django_filters.BooleanFilter(
        label=_("Must establish, not yet established"),
        field_name="must_establish_not_established",
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = SocialOrganization
        fields = ["q", "area", "category", "supervising_unit", "status", "coverage", "must_establish_not_established"]

    def search(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(credit_code__icontains=value.upper()))


class PartyOrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or secretary"), method="search")
    area = AreaSubtreeFilter(label=_("Area"), queryset=_areas)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PartyOrganization.Kind.choices)
    formation = django_filters.ChoiceFilter(label=_("Formation"), choices=PartyOrganization.Formation.choices)
    supervising_unit = django_filters.ModelChoiceFilter(label=_("Supervising unit"), queryset=_units)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PartyOrganization.Status.choices)
    secretary_vacant = django_filters.BooleanFilter(
        label=_("Secretary vacant"), method="filter_vacant", widget=django_filters.widgets.BooleanWidget()
    )

    class Meta:
        model = PartyOrganization
        fields = ["q", "area", "kind", "formation", "supervising_unit", "status", "secretary_vacant"]

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(secretary__icontains=value)) if value else qs

    def filter_vacant(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(secretary="") if value else qs.exclude(secretary="")
