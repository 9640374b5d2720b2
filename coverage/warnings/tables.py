from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from coverage.models import EarlyWarning


def _record_url(record: EarlyWarning) -> str:
    return (record.party_organization or record.organization).get_absolute_url()


class EarlyWarningTable(tables.Table):
    """A page of warnings, newest first.

    It sorts by what an index reads in order: the opening date (opened_on,
    rule, id) and the rectification due date (rectification_due_on, id).
    The rule, status, area and supervising unit are filters; the record's
    name and kind come from the record joined to the page's rows, so they
    cannot sort them."""

    # The rule links to the warning page, the record to the record itself.
    rule = tables.Column(linkify=("coverage:warning-detail", {"pk": tables.A("pk")}), orderable=False)
    subject_name = tables.Column(verbose_name=_("Record"), linkify=_record_url, orderable=False)
    subject_kind = tables.Column(verbose_name=_("Kind of record"), accessor="subject_key", orderable=False)
    area = tables.Column(orderable=False)
    supervising_unit = tables.Column(default="—", orderable=False)
    status = tables.Column(orderable=False)
    # pk last: rows opened on the same day keep one order across pages.
    opened_on = tables.DateColumn(order_by=("opened_on", "rule", "pk"))
    closed_on = tables.DateColumn(default="—", orderable=False)
    rectification_due_on = tables.DateColumn(default="—", order_by=("rectification_due_on", "pk"))

    class Meta:
        model = EarlyWarning
        fields = (
            "rule",
            "subject_name",
            "subject_kind",
            "area",
            "supervising_unit",
            "status",
            "opened_on",
            "closed_on",
            "rectification_due_on",
        )
        order_by = ("-opened_on",)
        row_attrs = {"data-status": lambda record: record.status, "data-rule": lambda record: record.rule}

    def render_subject_kind(self, record):
        return _("Party organisation") if record.party_organization_id else _("Social organisation")

    def value_subject_kind(self, record):
        return str(self.render_subject_kind(record))
