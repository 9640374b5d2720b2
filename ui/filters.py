"""Filter pieces shared by every list page.

Dropdowns over records are callable querysets limited to what the requesting
user may see (the permission rule's `restrict`), so a district official is
offered only their own areas, units, bases and communities, and a big table
is never listed whole.
"""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import StartsWith

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


class RegistrationAreaFilter(AreaSubtreeFilter):
    """The records registered in this area itself: its subtree without the
    subtrees of the registration areas below it, which is how the recount
    files a record under its area (the city's own, 市本级, without the
    districts'). Set by the links of figures, so the form carries it hidden."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        area_model = apps.get_model("organizations", "Area")
        nested = area_model.objects.filter(
            StartsWith(OuterRef("path"), F("path")),
            level__in=area_model.REGISTRATION_LEVELS,
            path__startswith=value.path,
        ).exclude(pk=value.pk)
        # The area tree is small: the records are matched by their area's key
        # (indexed), the tree walked only over the areas.
        own_areas = area_model.objects.filter(~Exists(nested), path__startswith=value.path)
        return qs.filter(**{f"{self.field_name}__in": own_areas.values("pk")})


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
