from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from coverage.models import Ledger, Snapshot
from ui.columns import NumberColumn, PercentColumn

LEDGER_LABELS = dict(Ledger.Status.choices)


class OverviewTable(tables.Table):
    label = tables.Column(verbose_name=_("Area"), order_by=("area__sort_order", "label"))
    organizations = NumberColumn(verbose_name=_("Social organisations"))
    party_organizations = NumberColumn(verbose_name=_("Party organisations"))
    org_coverage_rate = PercentColumn(verbose_name=_("Organisational coverage"))
    work_coverage_rate = PercentColumn(verbose_name=_("Work coverage"))
    must_establish_not_established = NumberColumn(verbose_name=_("Must establish, not yet established"))
    open_warnings = NumberColumn(verbose_name=_("Open warnings"))
    ledger_status = tables.Column(verbose_name=_("Ledger"), default=_("Not submitted"))

    class Meta:
        model = Snapshot
        fields = (
            "label",
            "organizations",
            "party_organizations",
            "org_coverage_rate",
            "work_coverage_rate",
            "must_establish_not_established",
            "open_warnings",
            "ledger_status",
        )
        row_attrs = {"data-key": lambda record: record.scope_key}

    def render_label(self, value, record):
        if record.scope == Snapshot.Scope.AREA and record.area_id and not record.scope_key.endswith("-direct"):
            url = reverse("coverage:area-detail", args=[record.area.code])
            return format_html('<a href="{}?period={}">{}</a>', url, record.period.code, value)
        return value

    def value_label(self, value):
        return value

    def render_ledger_status(self, value):
        return LEDGER_LABELS.get(value, value)

    def value_ledger_status(self, value):
        return str(LEDGER_LABELS.get(value, value))


class TrendTable(tables.Table):
    period = tables.Column(verbose_name=_("Half-year"), orderable=False)
    organizations = NumberColumn(verbose_name=_("Social organisations"), orderable=False)
    party_organizations = NumberColumn(verbose_name=_("Party organisations"), orderable=False)
    org_coverage_rate = PercentColumn(verbose_name=_("Organisational coverage"), orderable=False)
    work_coverage_rate = PercentColumn(verbose_name=_("Work coverage"), orderable=False)
    must_establish_not_established = NumberColumn(
        verbose_name=_("Must establish, not yet established"), orderable=False
    )
    instructors = NumberColumn(verbose_name=_("Instructors"), orderable=False)
