from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coverage.models import Ledger, Snapshot
from ui.columns import ChoiceColumn, NumberColumn, PercentColumn
from ui.formatting import format_change, format_count, format_percent

from .links import RATE_COUNTS, figure_url

# The snapshot figures every coverage table shows, in this order.
FIGURES = (
    "organizations",
    "party_organizations",
    "org_coverage_rate",
    "work_coverage_rate",
    # Political building: the two rates a narrow table has room for; the
    # area page's trend adds the other two.
    "charter_rate",
    "cross_appointed_rate",
    "must_establish_not_established",
)


class FigureColumn(NumberColumn):
    """A figure cell that links to the list of exactly the records it counts;
    the link's data-count says how many that is (a rate's: its numerator).

    One render call per cell writes the link: django-tables2's `linkify` and
    callable `attrs` would inspect two callables' signatures per cell, which
    on an overview of a hundred rows costs more than its query."""

    def __init__(self, figure: str, **kwargs):
        self.figure = figure
        self.count = RATE_COUNTS.get(figure, figure)
        super().__init__(**kwargs)

    def shown(self, value):
        return format_count(value)

    def render(self, value, record):
        url = figure_url(self.figure, record)
        if url is None:
            return self.shown(value)
        return format_html('<a href="{}" data-count="{}">{}</a>', url, getattr(record, self.count), self.shown(value))

    def value(self, value):
        return value


class RateColumn(FigureColumn):
    """A rate, shown as PercentColumn shows it; exports keep the rate itself."""

    def shown(self, value):
        return format_percent(value)

    def value(self, value):
        return None if value is None else float(value)


def figure_column(column_class: type[NumberColumn], figure: str, **kwargs) -> FigureColumn:
    return (RateColumn if issubclass(column_class, PercentColumn) else FigureColumn)(figure, **kwargs)


class SnapshotFiguresTable(tables.Table):
    """The coverage figures every snapshot table shows, in one order and wording."""

    organizations = figure_column(NumberColumn, "organizations", verbose_name=_("Social organisations"))
    party_organizations = figure_column(NumberColumn, "party_organizations", verbose_name=_("Party organisations"))
    org_coverage_rate = figure_column(PercentColumn, "org_coverage_rate", verbose_name=_("Organisational coverage"))
    work_coverage_rate = figure_column(PercentColumn, "work_coverage_rate", verbose_name=_("Work coverage"))
    charter_rate = figure_column(PercentColumn, "charter_rate", verbose_name=_("Charter rate"))
    cross_appointed_rate = figure_column(
        PercentColumn, "cross_appointed_rate", verbose_name=_("Cross-appointment rate")
    )
    must_establish_not_established = figure_column(
        NumberColumn, "must_establish_not_established", verbose_name=_("Must establish, not yet established")
    )


class ChangeColumn(tables.Column):
    """The row's change since the previous half-year's snapshot of the same
    scope: coverage rates in points, 应建未建 as a count (the change lists,
    /coverage/changes/, reconcile with these snapshots and say which records)."""

    PARTS = (
        ("org_coverage_rate", _("org."), True),
        ("work_coverage_rate", _("work"), True),
        ("must_establish_not_established", _("must establish, not established"), False),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, accessor="pk", empty_values=(), orderable=False, **kwargs)

    def parts(self, record) -> list[str]:
        shown = []
        for figure, label, points in self.PARTS:
            previous = getattr(record, f"previous_{figure}", None)
            if previous is None:
                return []
            shown.append(f"{label} {format_change(getattr(record, figure) - previous, points=points)}")
        return shown

    def render(self, record):
        # Each part (and the dot after it) kept on one line, so a narrow column on a
        # phone breaks between parts, not inside one.
        parts = self.parts(record)
        if not parts:
            return "—"
        return format_html_join("\u00a0· ", '<span class="nowrap">{}</span>', ((part,) for part in parts))

    def value(self, record):
        return " · ".join(self.parts(record))


class LedgerColumn(ChoiceColumn):
    """The ledger of the row's owner; a unit's row by district has none of its
    own (the unit's ledger is on the unit's row)."""

    def __init__(self, **kwargs):
        super().__init__(Ledger.Status, empty_values=(), **kwargs)

    def render(self, value, record):
        if record.scope in (Snapshot.Scope.UNIT_AREA, Snapshot.Scope.SUBDISTRICT):
            return "—"
        return super().render(value) if value else _("Not submitted")

    def value(self, value, record):
        return str(self.render(value, record))


class OverviewTable(SnapshotFiguresTable):
    label = tables.Column(verbose_name=_("Area"), order_by=("area__sort_order", "label"))
    change = ChangeColumn(verbose_name=_("Since the previous half-year"))
    open_warnings = figure_column(NumberColumn, "open_warnings", verbose_name=_("Open warnings"))
    ledger_status = LedgerColumn(verbose_name=_("Ledger"))

    # What the rows are: districts (the city's own 市本级 among them),
    # supervising units, or one unit's total and then its districts.
    # Or one district's total and then its sub-districts.
    AREAS, UNITS, UNIT_BY_DISTRICT, SUBDISTRICTS = "areas", "units", "unit_by_district", "subdistricts"
    HEADERS = {
        AREAS: _("district"),
        UNITS: _("Supervising unit"),
        UNIT_BY_DISTRICT: _("district"),
        SUBDISTRICTS: _("sub-district"),
    }

    def __init__(self, *args, rows_are: str = AREAS, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows_are = rows_are
        # The first column names what the rows are.
        self.columns["label"].column.verbose_name = self.HEADERS[rows_are]

    class Meta:
        model = Snapshot
        fields = (
            "label",
            *FIGURES,
            "change",
            "open_warnings",
            "ledger_status",
        )
        row_attrs = {"data-key": lambda record: record.scope_key}

    def render_label(self, value, record):
        if record.scope == Snapshot.Scope.AREA and record.area_id and not record.scope_key.endswith("-direct"):
            url = reverse("coverage:area-detail", args=[record.area.code])
            link = format_html(
                '<a href="{}?period={}">{}</a>', url, record.period.code, self.value_label(value, record)
            )
            if self.rows_are == self.AREAS:
                # Each district opens its own breakdown by sub-district.
                by_sub = f"{reverse('coverage:overview')}?within={record.area.code}&period={record.period.code}"
                return format_html(
                    '{} <small><a class="muted" href="{}">{}</a></small>', link, by_sub, gettext("by sub-district")
                )
            return link
        return self.value_label(value, record)

    def value_label(self, value, record):
        if self.rows_are == self.UNIT_BY_DISTRICT and record.scope == Snapshot.Scope.SUPERVISING_UNIT:
            # A unit's own row above its districts: the total of the rows below.
            return gettext("%(unit)s, all districts") % {"unit": value}
        if self.rows_are == self.SUBDISTRICTS and record.scope == Snapshot.Scope.AREA:
            # A district's own row above its sub-districts: the total of the rows below.
            return gettext("%(district)s, all sub-districts") % {"district": value}
        return value


class TrendTable(SnapshotFiguresTable):
    period = tables.Column(verbose_name=_("Half-year"))
    instructors = NumberColumn(verbose_name=_("Instructors"))
    secretary_meetings_rate = figure_column(
        PercentColumn, "secretary_meetings_rate", verbose_name=_("Secretary meetings rate")
    )
    consultation_rate = figure_column(PercentColumn, "consultation_rate", verbose_name=_("Consultation rate"))

    class Meta:
        orderable = False
        sequence = ("period", "...", "instructors", "secretary_meetings_rate", "consultation_rate")
