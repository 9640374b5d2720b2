from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from coverage.models import EarlyWarning
from ui.filters import AreaSubtreeFilter, FilterSet, RegistrationAreaFilter, RelatedNameSearchFilter, scoped_units


class EarlyWarningFilter(FilterSet):
    q = RelatedNameSearchFilter(
        label=_("Record name"),
        related={
            "party_organization": "organizations.PartyOrganization",
            "organization": "organizations.SocialOrganization",
        },
    )
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
