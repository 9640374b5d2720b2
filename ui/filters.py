"""Filter pieces shared by every list page.

Dropdowns over records are callable querysets limited to what the requesting
user may see (the permission rule's `restrict`), so a district official is
offered only their own areas, units, bases and communities, and a big table
is never listed whole.
"""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django.apps import apps
from django.db.models import Q, QuerySet

from accounts.permissions import restrict


def scoped(rows: Callable[[], QuerySet]) -> Callable:
    """django-filter's callable `queryset=`: the rows the requesting user may see."""

    def choices(request) -> QuerySet:
        queryset = rows()
        return restrict(queryset, request.user) if request is not None else queryset.none()

    return choices


# Looked up by name so that this shared layer imports no app.
scoped_areas = scoped(lambda: apps.get_model("organizations", "Area").objects.registration_areas())
scoped_units = scoped(lambda: apps.get_model("organizations", "SupervisingUnit").objects.all())


class AreaSubtreeFilter(django_filters.ModelChoiceFilter):
    """An area and everything below it (areas carry a materialised path)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", scoped_areas)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__path__startswith": value.path})


class SearchFilter(django_filters.CharFilter):
    """One search box over several text fields (any of them contains it)."""

    def __init__(self, *args, fields: tuple[str, ...], upper: tuple[str, ...] = (), **kwargs):
        # `upper`: fields stored in upper case (credit codes) are searched so.
        self.search_fields, self.upper_fields = fields, upper
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value.upper() if field in self.upper_fields else value})
        return qs.filter(condition)
