from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from coverage.recount.periods import half_year_or_none
from political.indicators import INDICATORS, holds
from ui.filters import (
    AreaSubtreeFilter,
    FilterSet,
    RegistrationAreaFilter,
    SearchFilter,
    scoped,
    scoped_areas,
    scoped_units,
)
from xian_partybuild import clock

from .models import Area, PartyOrganization, SocialOrganization
from .selectors import WORK_COVERED, CoverageState

COVERAGE_CHOICES = [*CoverageState.choices, (WORK_COVERED, _("Work covered (organisation or instructor)"))]


def _unit_filter() -> django_filters.ModelChoiceFilter:
    # "null": the records without a supervising unit, a row of the overview by unit.
    return django_filters.ModelChoiceFilter(
        label=_("Supervising unit"), queryset=scoped_units, null_label=_("No supervising unit")
    )


class LocationFilter(django_filters.ModelChoiceFilter):
    """The records sitting in this sub-district or community, or under it (a
    sub-district and its communities). Matched by the keys of that small
    subtree (location_id IN (…), a handful of rows): the (location, name, id)
    index then reads each one's records in name order. Set by the links of
    the coverage overview's figures, so the form carries it hidden."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", scoped(lambda: Area.objects.filter(level__in=Area.LOCATION_LEVELS)))
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        subtree = Area.objects.filter(path__startswith=value.path, level__in=Area.LOCATION_LEVELS)
        return qs.filter(**{f"{self.field_name}_id__in": list(subtree.values_list("pk", flat=True))})


class IndicatorAsOfFilter(django_filters.BooleanFilter):
    """Whose political-building indicator held (true) or did not (false) on
    the list's day: the last day of the half-year `?period=` names, else today,
    among the organisations active then, as the recount counts them. Set by
    the links of the rates (入章率…), so the form carries it hidden."""

    def __init__(self, indicator: str, **kwargs):
        self.indicator = indicator
        kwargs.setdefault("label", INDICATORS[indicator][1])
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        half = half_year_or_none(self.parent.data.get("period"))
        on = half.end if half is not None else clock.today()
        condition = holds(self.indicator, on)
        return qs.filter(active_then=True).filter(condition if value else ~condition)


class SocialOrganizationFilter(FilterSet):
    q = SearchFilter(label=_("Name or credit code"), fields=("name",), prefix=("credit_code",), gram_indexed=("name",))
    area = AreaSubtreeFilter(label=_("Area"), queryset=scoped_areas, by_key=True)
    registration_area = RegistrationAreaFilter(label=_("Registered in"), field_name="area", by_key=True)
    # Where the records sit (住所所在街道/社区), and `no_location=true` those
    # that have not said: the overview's figure links set them, hidden.
    location = LocationFilter(label=_("Sub-district or community"), field_name="location")
    no_location = django_filters.BooleanFilter(
        label=_("No sub-district or community"), field_name="location", lookup_expr="isnull", widget=forms.HiddenInput
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=SocialOrganization.Category.choices)
    supervising_unit = _unit_filter()
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SocialOrganization.Status.choices)
    # Coverage is a state of the organisations active on the list's day, as
    # the figures count it: a deregistered organisation is in no coverage state.
    coverage = django_filters.ChoiceFilter(label=_("Coverage"), choices=COVERAGE_CHOICES, method="filter_coverage")
    must_establish_not_established = django_filters.BooleanFilter(
        label=_("Must establish, not yet established"),
        field_name="must_establish_not_established",
        widget=django_filters.widgets.BooleanWidget(),
    )
    # Political building as of the list's day (入章率 and the other rates' links).
    charter = IndicatorAsOfFilter("charter")
    cross_appointed = IndicatorAsOfFilter("cross_appointed")
    secretary_meetings = IndicatorAsOfFilter("secretary_meetings")
    consultation = IndicatorAsOfFilter("consultation")

    class Meta:
        model = SocialOrganization
        fields = [
            "q",
            "area",
            "registration_area",
            "location",
            "no_location",
            "category",
            "supervising_unit",
            "status",
            "coverage",
            "must_establish_not_established",
            "charter",
            "cross_appointed",
            "secretary_meetings",
            "consultation",
        ]

    def filter_coverage(self, qs, name, value):  # noqa: ARG002 (django-filter calls method= filters with the field name)
        if not value:
            return qs
        active = qs.filter(active_then=True)
        if value == WORK_COVERED:
            return active.filter(work_covered=True)
        return active.filter(coverage_state=value)


class PartyOrganizationFilter(FilterSet):
    q = SearchFilter(label=_("Name or secretary"), fields=("name", "secretary"), gram_indexed=("name", "secretary"))
    area = AreaSubtreeFilter(label=_("Area"), queryset=scoped_areas, by_key=True)
    registration_area = RegistrationAreaFilter(label=_("Registered in"), field_name="area", by_key=True)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PartyOrganization.Kind.choices)
    formation = django_filters.ChoiceFilter(label=_("Formation"), choices=PartyOrganization.Formation.choices)
    supervising_unit = _unit_filter()
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PartyOrganization.Status.choices)
    secretary_vacant = django_filters.BooleanFilter(
        label=_("Secretary vacant"), method="filter_vacant", widget=django_filters.widgets.BooleanWidget()
    )

    class Meta:
        model = PartyOrganization
        fields = [
            "q",
            "area",
            "registration_area",
            "kind",
            "formation",
            "supervising_unit",
            "status",
            "secretary_vacant",
        ]

    def filter_vacant(self, qs, name, value):  # noqa: ARG002 (django-filter calls method= filters with the field name)
        if value is None:
            return qs
        return qs.filter(secretary="") if value else qs.exclude(secretary="")
