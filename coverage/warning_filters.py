from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ui.filters import AreaSubtreeFilter
from organizations.models import Area, SupervisingUnit

from .models import EarlyWarning


# Callables: the choices are the user's own, built per request, never the full table.
def _areas(request):
    return Area.objects.for_user(request.user).registration_areas() if request else Area.objects.none()


def _units(request):
    return SupervisingUnit.objects.for_user(request.user) if request else SupervisingUnit.objects.none()


class EarlyWarningFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Record name"), method="search")
    rule = django_filters.ChoiceFilter(label=_("Rule"), choices=EarlyWarning.Rule.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EarlyWarning.Status.choices)
    area = AreaSubtreeFilter(label=_("Area"), queryset=_areas)
    supervising_unit = django_filters.ModelChoiceFilter(label=_("Supervising unit"), queryset=_units)

    class Meta:
        model = EarlyWarning
        fields = ["q", "rule", "status", "area", "supervising_unit"]

    def search(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(party_organization__name__icontains=value) | Q(organization__name__icontains=value))
