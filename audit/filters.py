"""The audit log's filters: by event, by user name, by day range.

Each filters on a column the table's indexes lead with (kind, created_at; the
name is compared exactly), so a filtered page of a year's log reads an index
range."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ui.filters import FilterSet

from .models import AuditEntry


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditEntryFilter(FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Event"), choices=AuditEntry.Kind.choices)
    username = django_filters.CharFilter(label=_("User"), method="by_username")
    since = django_filters.DateFilter(label=_("From"), method="by_since", widget=DateInput())
    until = django_filters.DateFilter(label=_("To"), method="by_until", widget=DateInput())

    class Meta:
        model = AuditEntry
        fields = ["kind", "username", "since", "until"]

    def by_username(self, queryset, name, value):  # noqa: ARG002 (django-filter's method signature)
        return queryset.filter(username=value.strip()) if value.strip() else queryset

    # Days in the site's time zone, as a half-open range of instants: the index on created_at serves it.
    def by_since(self, queryset, name, value):  # noqa: ARG002 (django-filter's method signature)
        return queryset.filter(created_at__gte=_start_of(value))

    def by_until(self, queryset, name, value):  # noqa: ARG002 (django-filter's method signature)
        return queryset.filter(created_at__lt=_start_of(value + dt.timedelta(days=1)))
