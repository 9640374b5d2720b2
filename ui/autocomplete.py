"""Search-as-you-type endpoints behind the pickers (ui/widgets.py, static/js/pickers.js).

A form with a picker carries only the chosen option(s); the browser asks one of
these endpoints for a handful of matches as the user types. At a million
organisations a full <select> would be megabytes per page, so the endpoint, not
the page, answers "which rows may I pick": the user's scoped rows, searched as
the list pages search (ui.filters.SearchFilter, index-backed on PostgreSQL),
at most `limit` of them in name order, in two short queries.

The apps name their endpoints (`<app>/autocomplete.py`): the rows that may be
picked and the label, which is the form field's own `label_from_instance`, so
that a row reads the same in the list and once chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import CharField, F, Func, Model, QuerySet
from django.http import JsonResponse
from django.views import View

from . import bounds
from .filters import SearchFilter, area_keys


class SortOnly(Func):
    """`name || ''`: the column's own order (same collation), which no index
    gives. Ordering a few hundred rows picked by key, PostgreSQL would otherwise
    walk the whole name index looking for them, sure they are spread evenly;
    they rarely are (names found by one word sort together): seconds."""

    template = "(%(expressions)s || '')"
    output_field = CharField()


class AutocompleteView(LoginRequiredMixin, View):
    """GET ?q=… → {"results": [{"id", "text", "hint"}]}: at most `limit` pickable rows.

    Subclasses name `get_queryset()` (the user's scoped, pickable rows, with
    what the label needs selected), `label` and optionally `hint`, `search`
    and `ordering`.
    """

    # A script asks, not a person: answer 403 rather than redirect to the login page.
    raise_exception = True
    http_method_names = ["get"]
    limit = 20
    # Matches looked at before ordering by name. A word found in half the city
    # (西安市) would otherwise have the database fetch and sort hundreds of
    # thousands of rows, or walk the name index past them, for twenty: over a
    # second at a million organisations. Up to this many matches the twenty are
    # exactly the first by name; beyond, they are the first by name among the
    # first `candidates` found, and typing more narrows them.
    candidates = 1000
    # Longer input is no search anyone types; it only costs the database.
    max_length = 50
    # Below this many characters an empty list is returned: a picker over a
    # million rows has nothing useful to show before the user types.
    min_length = 1
    ordering: tuple[str, ...] = ("name", "pk")
    name_field = "name"
    code_field: str | None = None
    # The name has the list search's GIN indexes on PostgreSQL (pg_trgm and
    # search_grams(), organizations migration 0003): short words use them too.
    name_gram_indexed = False
    # The rows' own area key: a district official's rows are also matched by
    # the keys of the areas holding them (ui.filters.area_keys), as the lists
    # do. for_user()'s join on the area path leaves PostgreSQL guessing how
    # many rows a district holds, and it guesses one: half a second for 书法.
    area_field: str | None = None
    label: Callable[[Any], str] = staticmethod(str)
    hint: Callable[[Any], str] | None = None

    def get_queryset(self) -> QuerySet:
        raise NotImplementedError

    def narrow_to_district(self, rows: QuerySet) -> QuerySet:
        user = self.request.user
        if self.area_field is None or user.role != user.Role.DISTRICT or not user.area_id:
            return rows
        subtree = type(user.area).objects.filter(path__startswith=user.area.path)
        return rows.filter(**{f"{self.area_field}__in": area_keys(subtree, rows, self.area_field)})

    def search(self, queryset: QuerySet, term: str) -> QuerySet:
        # The list pages' own search box, so that a picker and a list find the
        # same rows through the same indexes: name contains the words, a credit
        # code begins with them.
        search = SearchFilter(
            fields=(self.name_field,),
            prefix=(self.code_field,) if self.code_field else (),
            gram_indexed=(self.name_field,) if self.name_gram_indexed else (),
        )
        return search.filter(queryset, term)

    def get(self, request, *args, **kwargs):
        # Any characters may be typed or pasted; control characters (a NUL is an error in a
        # PostgreSQL string) are dropped rather than searched for.
        term = bounds.strip_controls(request.GET.get("q", "")).strip()[: self.max_length]
        if len(term) < self.min_length:
            return self.respond([])
        rows = self.narrow_to_district(self.get_queryset())
        # Two queries, each with one plan whatever the word: the candidates'
        # keys (an index answers the search), then those rows in name order.
        # As one statement (pk IN (subquery)) PostgreSQL may walk the name
        # index instead, testing every row against the subquery: seconds.
        found = list(self.search(rows, term).order_by().values_list("pk", flat=True)[: self.candidates])
        if not found:
            return self.respond([])
        ordering = [F(name) if name in ("pk", "id") else SortOnly(F(name)) for name in self.ordering]
        return self.respond(list(rows.filter(pk__in=found).order_by(*ordering)[: self.limit]))

    def row(self, obj: Model) -> dict[str, Any]:
        return {"id": obj.pk, "text": self.label(obj), "hint": self.hint(obj) if self.hint else ""}

    def respond(self, rows: list[Model]) -> JsonResponse:
        # Chinese as it is, not \u escapes: a third of the bytes.
        return JsonResponse({"results": [self.row(obj) for obj in rows]}, json_dumps_params={"ensure_ascii": False})
