from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableListData

from coverage.models import Ledger, LedgerImport, Snapshot
from coverage.recount.tables import FIGURES, SnapshotFiguresTable
from ui.columns import ChoiceColumn

from .selectors import OwnerKind, Timeliness


class LedgerReportTable(tables.Table):
    """Who has submitted and who has been accepted for a half-year, on time or late."""

    label = tables.Column(verbose_name=_("Area or industry committee"), orderable=False)
    kind = ChoiceColumn(OwnerKind, verbose_name=_("Kind"), orderable=False)
    status = ChoiceColumn(Ledger.Status, verbose_name=_("Ledger"), orderable=False)
    due_on = tables.DateColumn(verbose_name=_("Due date"), orderable=False)
    submitted_at = tables.DateTimeColumn(verbose_name=_("Submitted at"), orderable=False, default="—")
    timeliness = ChoiceColumn(Timeliness, verbose_name=_("On time?"), orderable=False)
    reviewed_at = tables.DateTimeColumn(verbose_name=_("Reviewed at"), orderable=False, default="—")

    class Meta:
        row_attrs = {
            "data-key": lambda record: record.key,
            "data-status": lambda record: record.status,
            "data-timeliness": lambda record: record.timeliness,
        }

    def render_label(self, value, record):
        if record.ledger is not None:
            return format_html('<a href="{}">{}</a>', reverse("coverage:ledger-review", args=[record.ledger.pk]), value)
        return value

    def value_label(self, value):
        return value


class ProblemData(TableListData):
    """A table's rows from a sequence that fetches only the slice a page asks
    for (imports.store.StoredProblems), instead of the list a table would make."""

    def __init__(self, data):
        self.data = data


class ProblemTable(tables.Table):
    """The problems of an uploaded file, by row and column as Excel shows them."""

    row = tables.Column(verbose_name=_("Row"), attrs={"td": {"class": "num"}})
    column = tables.Column(verbose_name=_("Column"), default="—")
    message = tables.Column(verbose_name=_("Problem"))

    class Meta:
        attrs = {"class": "data-table problems"}
        # Stored in row and column order, fetched a page at a time.
        orderable = False
        row_attrs = {
            "data-row": lambda record: record.row,
            "data-column": lambda record: record.column,
            "data-code": lambda record: record.code,
        }

    def render_row(self, value):
        return value or _("whole file")

    def value_row(self, value):
        return value


def _field(name: str):
    # The model's (translated) label: the table is handed a list, from which
    # django-tables2 cannot find the model and would title the column "File name".
    return capfirst(LedgerImport._meta.get_field(name).verbose_name)


class LedgerImportTable(tables.Table):
    uploaded_at = tables.DateTimeColumn(
        verbose_name=_("Uploaded at"),
        linkify=lambda record: reverse("coverage:ledger-import-preview", args=[record.pk]),
    )
    file_name = tables.Column(verbose_name=_field("file_name"))
    period = tables.Column(verbose_name=_field("period"), orderable=False)
    owner = tables.Column(verbose_name=_("Into"), accessor="pk", orderable=False, empty_values=())
    status = tables.Column(verbose_name=_field("status"))
    row_count = tables.Column(verbose_name=_field("row_count"), attrs={"td": {"class": "num"}})
    error_count = tables.Column(verbose_name=_field("error_count"), attrs={"td": {"class": "num"}})
    created_count = tables.Column(verbose_name=_field("created_count"), attrs={"td": {"class": "num"}})
    updated_count = tables.Column(verbose_name=_field("updated_count"), attrs={"td": {"class": "num"}})
    unchanged_count = tables.Column(verbose_name=_field("unchanged_count"), attrs={"td": {"class": "num"}})

    class Meta:
        model = LedgerImport
        fields = (
            "uploaded_at",
            "file_name",
            "period",
            "owner",
            "status",
            "row_count",
            "error_count",
            "created_count",
            "updated_count",
            "unchanged_count",
        )
        orderable = False
        row_attrs = {"data-status": lambda record: record.status}

    def render_owner(self, record):
        return record.area or record.supervising_unit or "—"

    # Before the import the counts are what the check expects it to do (its
    # preview says so); this list reports what was done, so only an import's.
    def _done(self, value, record):
        return value if record.status == LedgerImport.Status.IMPORTED else "—"

    render_created_count = render_updated_count = render_unchanged_count = _done


class LedgerSnapshotTable(SnapshotFiguresTable):
    """The figures a ledger confirms, and whether a recount may still change them."""

    label = tables.Column(verbose_name=_("Scope"))
    frozen = tables.BooleanColumn(verbose_name=_("Frozen"), yesno=(_("yes"), _("no")))
    computed_at = tables.DateTimeColumn(verbose_name=_("Counted at"))

    class Meta:
        orderable = False
        model = Snapshot
        fields = (
            "label",
            *FIGURES,
            "frozen",
            "computed_at",
        )
        attrs = {"class": "data-table compact"}
        row_attrs = {
            "data-scope": lambda record: record.scope,
            "data-frozen": lambda record: "yes" if record.frozen else "no",
        }
