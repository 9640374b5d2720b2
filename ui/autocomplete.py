"""Search-as-you-type endpoints behind the pickers (ui/widgets.py, static/js/pickers.js).

A form with a picker carries only the chosen option(s); the browser asks one of
these endpoints for a handful of matches as the user types. At a million
organisations a full <select> would be megabytes per page, so the endpoint, not
the page, answers "which rows may I pick": the user's scoped rows, searched on
the name, at most `limit` of them, in one query.

The apps name their endpoints (`<app>/autocomplete.py`): the rows that may be
picked and the label, which is the form field's own `label_from_instance`, so
that a row reads the same in the list and once chosen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Model, Q, QuerySet
from django.http import JsonResponse
from django.views import View

# Credit codes are 18 characters of digits and capitals (GB 32100-2015).
_CODE_PREFIX = re.compile(r"^[0-9A-Za-z]{2,18}$")


def name_or_code_query(term: str, *, name: str = "name", code: str | None = None) -> Q:
    """Name contains the term, or (when the term looks like one) the credit code starts with it.

    Both halves use an index: "contains" a trigram index on PostgreSQL, and a
    case-sensitive prefix the unique credit code's own pattern index, which
    is why the prefix is upper-cased here rather than compared case-blind.
    """
    query = Q(**{f"{name}__icontains": term})
    if code and _CODE_PREFIX.match(term):
        query |= Q(**{f"{code}__startswith": term.upper()})
    return query


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
    label: Callable[[Any], str] = staticmethod(str)
    hint: Callable[[Any], str] | None = None

    def get_queryset(self) -> QuerySet:
        raise NotImplementedError

    def search(self, queryset: QuerySet, term: str) -> QuerySet:
        return queryset.filter(name_or_code_query(term, name=self.name_field, code=self.code_field))

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
