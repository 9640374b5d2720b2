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
from django.db import connections
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet, Value
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan, StartsWith
from django.utils.translation import gettext_lazy as _

from accounts.permissions import restrict


def scoped(rows: Callable[[], QuerySet]) -> Callable:
    """django-filter's callable `queryset=`: the rows the requesting user may see."""

    def choices(request) -> QuerySet:
        queryset = rows()
        return restrict(queryset, request.user) if request is not None else queryset.none()

    return choices


# What an unset filter means, said in words: never Django's "---------" or
# django-filter's "Unknown" (未知), which users read as a value of the field.
ANY = _("All")
YES_NO_CHOICES = (("", ANY), ("true", _("Yes")), ("false", _("No")))


class FilterSet(django_filters.FilterSet):
    """The base of every list filter: the empty choice of each dropdown reads
    "All" and a yes/no filter offers All / Yes / No, in one place."""

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for field in form.fields.values():
                # None means the filter has no empty choice (a round is always chosen).
                if getattr(field, "empty_label", None) is not None:
                    field.empty_label = ANY
                    if isinstance(field, django_filters.fields.ChoiceField):
                        # The form's copy of the field shares the declared field's choice
                        # iterator (and label); re-setting the choices binds them to this copy.
                        field.choices = field._choices.choices
                if isinstance(field.widget, django_filters.widgets.BooleanWidget | forms.NullBooleanSelect):
                    field.widget = django_filters.widgets.BooleanWidget(attrs=field.widget.attrs)
                    field.widget.choices = YES_NO_CHOICES
            return form
        return self._form


# Looked up by name so that this shared layer imports no app.
scoped_areas = scoped(lambda: apps.get_model("organizations", "Area").objects.registration_areas())
scoped_units = scoped(lambda: apps.get_model("organizations", "SupervisingUnit").objects.all())


def area_keys(areas: QuerySet, qs: QuerySet, field_name: str) -> list[int]:
    """The keys of those `areas` that rows of qs's model are filed under.

    A list filter "area_id IN (42)" rather than a join on the area's path:
    given keys, PostgreSQL knows how many rows each holds, and one key (a
    district's rows are all filed under the district) is an equality that
    the (area, name, id) index reads in name order, page by page. Joined on
    the path, it reads the whole name index looking for the district's rows,
    which (named after their district) all sort together, possibly last:
    seconds at a million rows. Asking the small area tree which of its nodes
    hold rows (one index probe each) keeps the subtree's exact meaning.

    Through a relation (`party_organization__area`), the probe asks the model
    that holds the area key (party organisations), not the rows (evaluations):
    asked of the rows it joins them all (half a second at a million). A key
    that holds related records but no rows matches nothing, so the filter's
    meaning is the same."""
    *hops, last = field_name.split("__")
    model = qs.model
    for hop in hops:
        model = model._meta.get_field(hop).related_model
    holding = model._default_manager.filter(**{last: OuterRef("pk")})
    return list(areas.filter(Exists(holding)).values_list("pk", flat=True))


class AreaSubtreeFilter(django_filters.ModelChoiceFilter):
    """An area and everything below it (areas carry a materialised path).

    `by_key` (for a field that is the records' own area key): matched by
    area_keys(), and without a chosen area a district official's list is
    narrowed to their own area the same way. for_user() already keeps their
    rows to that subtree; this says it in the form the database can use."""

    def __init__(self, *args, by_key: bool = False, **kwargs):
        kwargs.setdefault("queryset", scoped_areas)
        self.by_key = by_key
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not self.by_key:
            return qs.filter(**{f"{self.field_name}__path__startswith": value.path}) if value else qs
        area = value or self._officials_area()
        if area is None or area.parent_id is None:
            return qs  # the city's subtree is every area
        subtree = apps.get_model("organizations", "Area").objects.filter(path__startswith=area.path)
        return qs.filter(**{f"{self.field_name}__in": area_keys(subtree, qs, self.field_name)})

    def _officials_area(self):
        request = getattr(self.parent, "request", None)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.role == user.Role.DISTRICT and user.area_id:
            return user.area
        return None


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
        if self.by_key:
            return qs.filter(**{f"{self.field_name}__in": area_keys(own_areas, qs, self.field_name)})
        return qs.filter(**{f"{self.field_name}__in": own_areas.values("pk")})


# Words shorter than this have no trigram: pg_trgm cannot answer them.
TRIGRAM = 3


class HasGram(Func):
    """PostgreSQL: the field's one- and two-character pieces include `gram`
    (search_grams(), a function and GIN indexes that the organizations app's
    migration 0003 creates). Exact for a word of one or two characters."""

    output_field = BooleanField()

    def __init__(self, field: str, gram: str):
        super().__init__(F(field))
        self.gram = gram

    def as_sql(self, compiler, connection, **extra_context):  # noqa: ARG002 (the expression API passes them)
        sql, params = compiler.compile(self.source_expressions[0])
        return f"search_grams(UPPER(({sql})::text)) @> ARRAY[%s]::text[]", (*params, self.gram.upper())


class SearchFilter(django_filters.CharFilter):
    """One search box over several text fields: any of them contains the
    words, whatever their case; `prefix` fields (codes, stored in upper case)
    begin with them instead.

    On PostgreSQL each condition is one an index answers, so a search costs
    its matches, not the table:
    - three characters or more: `icontains`, which compares UPPER(field) and
      is answered by a pg_trgm index on UPPER(field);
    - one or two characters (律所, 碑林 — common in Chinese), which have no
      trigram: on `gram_indexed` fields the search_grams() index answers
      (HasGram), beside a plain LIKE that is cheap to check row by row. On
      other fields only that LIKE: an UPPER(field) LIKE of two characters
      would make PostgreSQL scan a trigram index whole, slower than the table;
    - codes begin with the words (LIKE 'X%', the unique btree's pattern-ops
      twin that Django creates). Words no code can hold (Chinese, spaces)
      skip the code condition, as an OR that one side cannot answer from an
      index would read every row.
    Elsewhere (SQLite) every field is `icontains`."""

    def __init__(
        self,
        *args,
        fields: tuple[str, ...],
        prefix: tuple[str, ...] = (),
        gram_indexed: tuple[str, ...] = (),
        **kwargs,
    ):
        self.search_fields, self.prefix_fields, self.gram_indexed = fields, prefix, gram_indexed
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        short = connections[qs.db].vendor == "postgresql" and len(value) < TRIGRAM
        condition = Q()
        for field in self.search_fields:
            condition |= self._short_contains(field, value) if short else Q(**{f"{field}__icontains": value})
        if value.isascii() and value.isalnum():
            for field in self.prefix_fields:
                condition |= Q(**{f"{field}__startswith": value.upper()})
        return qs.filter(condition)

    def _short_contains(self, field: str, value: str) -> Q:
        if value.upper() == value.lower():
            # Nothing to fold (Chinese, digits): a plain LIKE, cheap per row.
            contains = Q(**{f"{field}__contains": value})
        else:
            # A case-insensitive test that no trigram index matches.
            contains = Q(GreaterThan(StrIndex(Upper(field), Value(value.upper())), 0))
        return contains & Q(HasGram(field, value)) if field in self.gram_indexed else contains


class RelatedNameSearchFilter(SearchFilter):
    """One search box over the names of records a row points to (a warning's
    party organisation or organisation, a pairing's two sides).

    The names are searched in their own tables, where their search indexes
    are, and the rows matched by the keys found: searched through the row's
    joins, every row would be read to test its records' names. `related`
    maps each foreign key to the model it points to ("app.Model"), whose
    `name` is searched (with its search_grams() index on PostgreSQL)."""

    def __init__(self, *args, related: dict[str, str], **kwargs):
        self.related = related
        super().__init__(*args, fields=("name",), gram_indexed=("name",), **kwargs)

    def filter(self, qs, value):
        if not (value or "").strip():
            return qs
        condition = Q()
        for field, label in self.related.items():
            model = apps.get_model(label)
            condition |= Q(**{f"{field}__in": super().filter(model._default_manager.all(), value).values("pk")})
        return qs.filter(condition)
