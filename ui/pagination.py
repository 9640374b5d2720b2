"""Pagination whose cost does not grow with the data.

Every list page (ui.views.ScopedListView) pages through `CappedPaginator`:

- it counts at most `cap` + 1 rows, so a filter that matches a million rows
  costs as much as one that matches ten thousand: past the cap the page says
  "more than 10,000 — narrow the filter" instead of an exact figure that
  would need a scan of every matching row;
- it offers pages up to the cap only, so no query OFFSETs further than the
  cap (an OFFSET reads and throws away every row before it);
- it answers any `page` or `per_page` a hand-typed URL may carry (0, -1,
  "abc", 10**30, a page past the end) with a sensible page, never an error;
- page sizes are PAGE_SIZES, here and nowhere else.

Exports are not paginated (ui.views.SafeExportMixin builds its own table)
and take every filtered row.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
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
        if isinstance(rows, QuerySet):
            # Only the keys, unsorted and limited: the database stops at the
            # (cap + 1)th matching row and neither sorts nor computes columns.
            return rows.order_by().values("pk")[:limit].count()
        return min(len(rows), limit)

    @property
    def more_than_cap(self) -> bool:
        return self.counted > self.cap

    @cached_property
    def count(self) -> int:
        """The rows the pages reach: every row, or `cap` of them when there are more."""
        return min(self.counted, self.cap)

    def validate_number(self, number) -> int:
        """Any page number becomes one that exists: the first for nonsense, the
        nearest end for one out of range."""
        try:
            number = int(number)
        except (TypeError, ValueError, OverflowError):
            return 1
        return min(max(number, 1), max(self.num_pages, 1))
