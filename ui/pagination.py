"""Pagination whose cost does not grow with the data.

Every list page (ui.views.ScopedListView) pages through `CappedPaginator`:

- it counts at most `cap` + 1 rows, so a filter that matches a million rows
  costs as much as one that matches ten thousand: past the cap the page says
  "more than 10,000 — narrow the filter" instead of an exact figure that
  would need a scan of every matching row;
- it offers pages up to the cap only, so no query OFFSETs further than the
  cap (an OFFSET reads and throws away every row before it);
- both the count and the page read keys first (`keys()`): the count and the
  page's OFFSET then walk an index, not the table, and the page fetches
  only its own rows;
- it answers any `page` or `per_page` a hand-typed URL may carry (0, -1,
  "abc", 10**30, a page past the end) with a sensible page, never an error;
- page sizes are PAGE_SIZES, here and nowhere else.

Exports are not paginated (ui.views.SafeExportMixin builds its own table)
and take every filtered row.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import ForeignKey, QuerySet
from django.db.models.sql.datastructures import Join
from django.utils import tree
from django.utils.functional import cached_property

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = PAGE_SIZES[0]
# Past this many rows a list is a question to narrow, not to page through.
ROW_CAP = 10_000


def page_size(requested) -> int:
    """The largest allowed page size not above the one asked for; the default
    for anything that is not a positive number."""
    try:
        wanted = int(requested)
    except (TypeError, ValueError, OverflowError):
        return DEFAULT_PAGE_SIZE
    return max((size for size in PAGE_SIZES if size <= wanted), default=DEFAULT_PAGE_SIZE)


def _underlying(rows):
    """The queryset (or list) under django-tables2's rows: the paginator is
    handed a table's BoundRows, whose TableData holds the sorted queryset."""
    data = getattr(rows, "data", rows)
    return getattr(data, "data", data)


def _plain_queryset(rows) -> bool:
    """A queryset that can be filtered further (not sliced, not a union)."""
    return isinstance(rows, QuerySet) and not rows.query.is_sliced and not rows.query.combinator


def keys(rows: QuerySet, *, sorted_: bool = True) -> QuerySet:
    """The keys of `rows` (sorted like them, or not at all), without the joins
    that only the displayed columns need.

    A list's queryset joins the tables its columns show (the area's name,
    the supervising unit's committee). Counting or skipping rows needs none of
    them, and PostgreSQL cannot drop an inner join by itself: with it, a count
    of 10,001 rows takes 40 ms and more instead of 3 (an index-only scan).
    A join is left out when nothing in the WHERE clause (or the sort) refers
    to it and it cannot change the number of rows: a join along a foreign key
    to its one target row. Anything this cannot read (a subquery in the
    filter, a sort through a relation) keeps every join."""
    query_keys = rows.order_by().values("pk") if not sorted_ else rows.values("pk")
    query = query_keys.query
    sort = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
    used = _aliases(query.where, query, sort=sort if sorted_ else ())
    if used is None:
        return query_keys
    for alias in list(used):  # and every join on the way to it
        join = query.alias_map.get(alias)
        while isinstance(join, Join):
            used.add(join.parent_alias)
            join = query.alias_map.get(join.parent_alias)
    for alias, join in query.alias_map.items():
        if alias not in used and _keeps_rows(join):
            query.alias_refcount[alias] = 0  # the compiler leaves out unreferenced aliases
    return query_keys


def _keeps_rows(join) -> bool:
    if not isinstance(join, Join) or join.filtered_relation is not None:
        return False
    field = join.join_field
    # Forward along a foreign key: at most one row, and exactly one when the
    # key is required (an inner join) and the database enforces it.
    if not isinstance(field, ForeignKey):
        return False
    return join.join_type != "INNER JOIN" or (not join.nullable and field.db_constraint)


def _aliases(where, query, sort) -> set[str] | None:
    """The table aliases the filter and the sort refer to; None when unsure."""
    if query.combinator or query.extra or query.extra_order_by:
        return None
    found: set[str] = set()
    pending = [where]
    for item in sort:
        if not isinstance(item, str):
            return None
        name = item.lstrip("-")
        if name in query.annotations:
            pending.append(query.annotations[name])
        elif "__" in name or name == "?":
            return None
    while pending:
        item = pending.pop()
        if isinstance(item, tree.Node):
            pending.extend(item.children)
            continue
        for expression in item.flatten() if hasattr(item, "flatten") else (item,):
            if isinstance(expression, tree.Node):  # a condition inside an expression (When)
                pending.append(expression)
                continue
            if hasattr(expression, "query"):  # a subquery may refer to any outer alias
                return None
            alias = getattr(expression, "alias", None)
            if isinstance(alias, str):
                found.add(alias)
    found.add(query.get_initial_alias())
    return found


class CappedPaginator(Paginator):
    """A Paginator that counts and pages only up to `cap` rows (see the module docstring)."""

    cap = ROW_CAP

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, cap=None, **kwargs):
        super().__init__(object_list, page_size(per_page), orphans, allow_empty_first_page, **kwargs)
        if cap is not None:
            self.cap = cap

    @cached_property
    def counted(self) -> int:
        """The number of rows, counted no further than cap + 1."""
        rows = _underlying(self.object_list)
        limit = self.cap + 1
        if _plain_queryset(rows):
            # Unsorted and limited: the database stops at the (cap + 1)th key.
            return keys(rows, sorted_=False)[:limit].count()
        if isinstance(rows, QuerySet):
            # Sliced or a union (which Django cannot count once sliced): read, no further than the limit.
            return len(rows[:limit])
        return min(len(rows), limit)

    @property
    def more_than_cap(self) -> bool:
        return self.counted > self.cap

    @cached_property
    def count(self) -> int:
        """The rows the pages reach: every row, or `cap` of them when there are more."""
        return min(self.counted, self.cap)

    def page(self, number):
        """Django's page(), with the page's rows read through their keys (_rows)."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._rows(bottom, top), number, self)

    def _rows(self, bottom: int, top: int):
        rows = _underlying(self.object_list)
        if not _plain_queryset(rows):
            return self.object_list[bottom:top]
        # A deferred join: the page's keys come first, so the OFFSET skips
        # entries of the sort's index instead of whole rows of the table, and
        # only the page's own rows are read (page 400 costs about what page 1 does).
        page_rows = rows.filter(pk__in=keys(rows)[bottom:top])
        if rows is self.object_list:
            return page_rows
        # The table's rows (django-tables2's BoundRows) over just these records.
        return type(self.object_list)(
            data=page_rows, table=self.object_list.table, pinned_data=self.object_list.pinned_data
        )

    def validate_number(self, number) -> int:
        """Any page number becomes one that exists: the first for nonsense, the
        nearest end for one out of range."""
        try:
            number = int(number)
        except (TypeError, ValueError, OverflowError):
            return 1
        return min(max(number, 1), max(self.num_pages, 1))
