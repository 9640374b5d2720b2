"""The league table: one row per district, sortable by any figure, each
figure linking to its rows with its change and rank beside it. Exports carry
the value, the change and the rank in columns of their own."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from coverage.ledgers.selectors import Timeliness
from coverage.models import Ledger
from ui.formatting import format_change, format_count, format_percent

from .league import RATES
from .links import area_link, league_link

COUNTS = {
    "org_coverage_rate": "org_covered",
    "work_coverage_rate": "work_covered",
    "charter_rate": "charter",
    "cross_appointed_rate": "cross_appointed",
}


class LeagueFigureColumn(tables.Column):
    """A figure: its value (a link to its rows), its change since the previous half-year, its rank."""

    def __init__(self, figure: str, **kwargs):
        self.figure = figure
        self.is_rate = figure in RATES
        kwargs.setdefault("attrs", {"td": {"class": "num", "data-figure": figure}})
        super().__init__(accessor=figure, empty_values=(), **kwargs)

    def shown(self, value) -> str:
        if value is None:
            return "—"
        return format_percent(value) if self.is_rate else format_count(value)

    def render(self, value, record, table):
        shown = self.shown(value)
        url = league_link(self.figure, record, table.league) if value is not None else None
        count = getattr(record, COUNTS.get(self.figure, self.figure), value)
        cell = format_html('<a href="{}" data-count="{}">{}</a>', url, count, shown) if url else shown
        delta = record.change(self.figure)
        change = format_change(delta, points=self.is_rate)
        rank = record.ranks.get(self.figure)
        return format_html(
            "{}{}{}",
            cell,
            format_html(' <span class="change" data-change="{}">{}</span>', self.figure, change) if change else "",
            format_html(' <span class="rank" title="{}">#{}</span>', _("rank"), rank) if rank else "",
        )

    def value(self, value):
        if value is None:
            return None
        return float(value) if self.is_rate else value


class ChangeExportColumn(tables.Column):
    """The change since the previous half-year, in exports only (rates in percentage points)."""

    def __init__(self, figure: str, **kwargs):
        self.figure = figure
        super().__init__(accessor="key", visible=False, orderable=False, empty_values=(), **kwargs)

    def value(self, record):
        delta = record.change(self.figure)
        if delta is None:
            return None
        return round(float(delta) * 100, 1) if self.figure in RATES else delta


class RankExportColumn(tables.Column):
    def __init__(self, figure: str, **kwargs):
        self.figure = figure
        super().__init__(accessor="key", visible=False, orderable=False, empty_values=(), **kwargs)

    def value(self, record):
        return record.ranks.get(self.figure)


def _figure_columns(figure: str, label):
    return {
        figure: LeagueFigureColumn(figure, verbose_name=label),
        f"{figure}_change": ChangeExportColumn(figure, verbose_name=format_html("{} · {}", label, _("change"))),
        f"{figure}_rank": RankExportColumn(figure, verbose_name=format_html("{} · {}", label, _("rank"))),
    }


class LeagueTable(tables.Table):
    rank = tables.Column(verbose_name=_("Rank"), accessor="ranks__org_coverage_rate", attrs={"td": {"class": "num"}})
    label = tables.Column(verbose_name=_("District or zone"), order_by=("snapshot__area__sort_order", "label"))
    locals().update(_figure_columns("org_coverage_rate", _("Organisational coverage")))
    locals().update(_figure_columns("work_coverage_rate", _("Work coverage")))
    locals().update(_figure_columns("charter_rate", _("Charter rate")))
    locals().update(_figure_columns("cross_appointed_rate", _("Cross-appointment rate")))
    locals().update(_figure_columns("must_establish_not_established", _("Must establish, not yet established")))
    locals().update(_figure_columns("open_warnings", _("Open early warnings")))
    locals().update(_figure_columns("four_star", _("Four-star")))
    locals().update(_figure_columns("five_star", _("Five-star")))
    ledger_status = tables.Column(verbose_name=_("Ledger"), empty_values=())
    ledger_timeliness = tables.Column(verbose_name=_("On time?"), empty_values=())

    class Meta:
        attrs = {"class": "data-table league-table"}
        order_by = ("rank",)
        row_attrs = {"data-key": lambda record: record.key}

    def __init__(self, *args, league, **kwargs):
        self.league = league
        super().__init__(*args, **kwargs)

    def render_label(self, value, record):
        url = area_link(record, self.league)
        return format_html('<a href="{}">{}</a>', url, value) if url else value

    def value_label(self, value):
        return value

    def render_ledger_status(self, value, record):
        label = Ledger.Status(value).label
        url = league_link("ledger", record, self.league)
        previous = record.previous_ledger_status
        before = (
            format_html(
                ' <span class="change" title="{}">({})</span>',
                _("in the previous half-year"),
                Ledger.Status(previous).label,
            )
            if previous and previous != value
            else ""
        )
        return format_html('<a href="{}" data-ledger="{}">{}</a>{}', url, value, label, before)

    def value_ledger_status(self, value):
        return str(Ledger.Status(value).label)

    def render_ledger_timeliness(self, value):
        return format_html('<span class="timeliness-{}">{}</span>', value, Timeliness(value).label)

    def value_ledger_timeliness(self, value):
        return str(Timeliness(value).label)
