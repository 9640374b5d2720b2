from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from organizations.models import SocialOrganization
from ui.filters import AreaSubtreeFilter, FilterSet, SearchFilter, scoped_areas

from .indicators import INDICATORS, RELATED

YES_NO = django_filters.widgets.BooleanWidget


class IndicatorFilter(django_filters.BooleanFilter):
    """Has (yes) or lacks (no) an indicator today; lacking includes having no row."""

    def __init__(self, indicator: str, **kwargs):
        self.date_field = INDICATORS[indicator][0]
        kwargs.setdefault("label", INDICATORS[indicator][1])
        kwargs.setdefault("widget", YES_NO())
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{f"{RELATED}__{self.date_field}__isnull": not value})


class PoliticalFilter(FilterSet):
    q = SearchFilter(label=_("Name or credit code"), fields=("name",), prefix=("credit_code",), gram_indexed=("name",))
    area = AreaSubtreeFilter(label=_("Area"), queryset=scoped_areas, by_key=True)
    charter = IndicatorFilter("charter")
    cross_appointed = IndicatorFilter("cross_appointed")
    secretary_meetings = IndicatorFilter("secretary_meetings")
    consultation = IndicatorFilter("consultation")

    class Meta:
        model = SocialOrganization
        fields = ["q", "area", "charter", "cross_appointed", "secretary_meetings", "consultation"]
