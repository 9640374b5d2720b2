"""Search-as-you-type endpoints behind the pickers (ui/widgets.py, static/js/pickers.js).

A form with a picker carries only the chosen option(s); the browser asks one of
these endpoints for a handful of matches as the user types. At a million
organisations a full <select> would be megabytes per page, so the endpoint, not
the page, answers "which rows may I pick": the user's scoped rows, searched as
the list pages search (ui.filters.SearchFilter, index-backed on PostgreSQL),
at most `limit` of them in name order, in one query.

The apps name their endpoints (`<app>/autocomplete.py`): the rows that may be
picked and the label, which is the form field's own `label_from_instance`, so
that a row reads the same in the list and once chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Model, QuerySet
from django.http import JsonResponse
from django.views import View

from .filters import SearchFilter


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
    label: Callable[[Any], str] = staticmethod(str)
    hint: Callable[[Any], str] | None = None

    def get_queryset(self) -> QuerySet:
        raise NotImplementedError

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
        term = request.GET.get("q", "").strip()[: self.max_length]
        if len(term) < self.min_length:
            return self.respond([])
        rows = self.get_queryset()
        if term:
            rows = self.search(rows, term)
        return self.respond(list(rows.order_by(*self.ordering)[: self.limit]))

    def row(self, obj: Model) -> dict[str, Any]:
        return {"id": obj.pk, "text": self.label(obj), "hint": self.hint(obj) if self.hint else ""}

    def respond(self, rows: list[Model]) -> JsonResponse:
        # Chinese as it is, not \u escapes: a third of the bytes.
        return JsonResponse({"results": [self.row(obj) for obj in rows]}, json_dumps_params={"ensure_ascii": False})
