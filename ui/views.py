"""Shared view pieces: the list-page base."""

from __future__ import annotations

from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from accounts.mixins import PermissionRequiredMixin

from .exports import SafeTableExport


class ScopedListView(PermissionRequiredMixin, ExportMixin, SingleTableMixin, FilterView):
    """A scoped, filtered, sortable, paginated table with CSV and XLSX export
    of exactly the filtered rows."""

    export_formats = ("csv", "xlsx")
    export_class = SafeTableExport
    template_name = "list.html"
    # Only the table paginates (FilterView's own paginate_by would count and
    # slice the rows a second time).
    table_pagination = {"per_page": 25}

    def get_table_pagination(self, table):
        # Users may ask for 25, 50 or 100 rows a page; nothing larger.
        per_page = self.request.GET.get("per_page")
        if per_page in {"25", "50", "100"}:
            return {"per_page": int(per_page)}
        return super().get_table_pagination(table)
