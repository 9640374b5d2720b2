from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coverage.models import EarlyWarning
from organizations.models import PartyOrganization, SocialOrganization
from ui.filters import AreaSubtreeFilter, RegistrationAreaFilter, SearchFilter, scoped_units


class RecordNameFilter(SearchFilter):
    """The warnings about a record whose name holds the words.

    The names are searched in their own tables, where their search indexes
    are, and the warnings matched by the keys found: searched through the
    warning's two outer joins, every warning would be read to test its
    record's name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, fields=("name",), gram_indexed=("name",), **kwargs)

    def filter(self, qs, value):
        if not (value or "").strip():
            return qs
        parties = super().filter(PartyOrganization.objects.all(), value).values("pk")
        organizations = super().filter(SocialOrganization.objects.all(), value).values("pk")
        return qs.filter(Q(party_organization__in=parties) | Q(organization__in=organizations))


class EarlyWarningFilter(django_filters.FilterSet):
    q = RecordNameFilter(label=_("Record name"))
    rule = django_filters.ChoiceFilter(label=_("Rule"), choices=EarlyWarning.Rule.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EarlyWarning.Status.choices)
    # The choices are the user's own, built per request, never the full table.
    area = AreaSubtreeFilter(label=_("Area"), by_key=True)
    registration_area = RegistrationAreaFilter(label=_("Registered in"), field_name="area", by_key=True)
    # "null": the warnings without a supervising unit, a row of the overview by unit.
    supervising_unit = django_filters.ModelChoiceFilter(
        label=_("Supervising unit"), queryset=scoped_units, null_label=_("No supervising unit")
    )

    class Meta:
        model = EarlyWarning
        fields = ["q", "rule", "status", "area", "registration_area", "supervising_unit"]
