"""The brand list's filters. The district dropdown offers the user's own areas only."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from ui.filters import AreaSubtreeFilter, FilterSet, SearchFilter

from .models import Brand


class BrandFilter(FilterSet):
    q = SearchFilter(label=_("Brand name"), fields=("name",))
    level = django_filters.ChoiceFilter(label=_("Recognition level"), choices=Brand.Level.choices)
    area = AreaSubtreeFilter(label=_("District or zone"), field_name="party_organization__area")
    year = django_filters.NumberFilter(label=_("Year recognised"), field_name="year")

    class Meta:
        model = Brand
        fields = ["q", "level", "area", "year"]
