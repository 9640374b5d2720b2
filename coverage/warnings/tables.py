from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from coverage.models import EarlyWarning


def _record_url(record: EarlyWarning) -> str:
    return (record.party_organization or record.organization).get_absolute_url()


class EarlyWarningTable(tables.Table):
    # The rule links to the warning page, the record to the record itself.
    rule = tables.Column(linkify=("coverage:warning-detail", {"pk": tables.A("pk")}))
    subject_name = tables.Column(verbose_name=_("Record"), linkify=_record_url)
    subject_kind = tables.Column(verbose_name=_("Kind of record"), accessor="subject_key", order_by=("subject_key",))
    area = tables.Column(order_by=("area__sort_order", "area__code"))
    supervising_unit = tables.Column(default="—")
    status = tables.Column()
    opened_on = tables.DateColumn()
    closed_on = tables.DateColumn(default="—")
    rectification_due_on = tables.DateColumn(default="—")

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
        # pk last: rows opened on the same day keep one order across pages.
        order_by = ("-opened_on", "rule", "pk")
        row_attrs = {"data-status": lambda record: record.status, "data-rule": lambda record: record.rule}

    def render_subject_kind(self, record):
        return _("Party organisation") if record.party_organization_id else _("Social organisation")

    def value_subject_kind(self, record):
        return str(self.render_subject_kind(record))
