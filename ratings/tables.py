from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.permissions import can
from ui.columns import NumberColumn

from . import workflow
from .models import MAX_STARS, Evaluation, Pairing, Round
from .selectors import Movement

MOVEMENT_SIGNS = {Movement.UP: "↑", Movement.HELD: "→", Movement.DOWN: "↓"}


def stars_text(value) -> str:
    return f"{value}★" if value else "—"


class StarsColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num stars"}})
        kwargs.setdefault("default", "—")
        super().__init__(*args, **kwargs)

    def render(self, value):
        return stars_text(value)

    def value(self, value):
        return value


class SelectColumn(tables.Column):
    """A box to tick the row for the bulk review, on the rows the user may
    review (workflow.bulk_actions). The box belongs to the page's bulk form
    (`form="bulk-review"`), which lies outside the table. The heading's
    "select all" box is shown by the page's script, which works it."""

    def __init__(self, **kwargs):
        super().__init__(
            verbose_name=_("select"),
            accessor="pk",
            orderable=False,
            empty_values=(),
            exclude_from_export=True,
            attrs={"th": {"class": "select"}, "td": {"class": "select"}},
            **kwargs,
        )

    @property
    def header(self):
        # Built per request, in the request's language.
        return format_html(
            '<input type="checkbox" data-select-all hidden aria-label="{}">', _("Select all on this page")
        )


class EvaluationTable(tables.Table):
    """One round's evaluations (a page of them).

    Every sort is read in order from an index: the party organisation's name
    (its (name, id) index), total, final stars and state (the evaluations'
    (round, …, id) indexes). "Stars by score" sorts by total, which orders
    the stars the same way. Area and round are filters, not sorts (one round
    is shown at a time); the previous round's stars and the promotion are
    computed for the rows shown, so they cannot sort them."""

    party_organization = tables.Column(
        verbose_name=_("party organisation"),
        linkify=("ratings:evaluation-detail", {"pk": tables.A("pk")}),
        order_by=("party_organization__name", "party_organization_id"),
    )
    area = tables.Column(verbose_name=_("area"), accessor="party_organization__area", orderable=False)
    round = tables.Column(verbose_name=_("round"), orderable=False)
    total = NumberColumn(verbose_name=_("total"), order_by=("total", "pk"))
    stars = StarsColumn(verbose_name=_("stars by score"), order_by=("total", "pk"))
    final_stars = StarsColumn(verbose_name=_("final stars"), order_by=("final_stars", "pk"))
    previous_stars = StarsColumn(verbose_name=_("previous round"), orderable=False)
    movement = tables.Column(verbose_name=_("promotion"), attrs={"td": {"class": "movement"}}, orderable=False)
    state = tables.Column(verbose_name=_("state"), order_by=("state", "pk"))
    select = SelectColumn()

    class Meta:
        model = Evaluation
        fields = (
            "select",
            "party_organization",
            "area",
            "round",
            "total",
            "stars",
            "final_stars",
            "previous_stars",
            "movement",
            "state",
        )
        order_by = ("party_organization",)
        row_attrs = {
            "data-pk": lambda record: record.pk,
            "data-area": lambda record: record.party_organization.area.name,
            "data-state": lambda record: record.state,
            "data-movement": lambda record: record.movement,
        }

    def __init__(self, *args, selectable: bool = False, **kwargs):
        # Boxes only where a bulk review can be sent from (the evaluation list, for the city).
        if not selectable:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "select")
        super().__init__(*args, **kwargs)

    def render_select(self, record) -> str:
        if not workflow.bulk_actions(self.request.user, record):
            return ""
        return format_html(
            '<input type="checkbox" name="evaluation" value="{}" form="bulk-review" aria-label="{}">',
            record.pk,
            _("Select %(name)s") % {"name": record.party_organization.name},
        )

    def render_movement(self, value: str) -> str:
        label = Movement(value).label
        sign = MOVEMENT_SIGNS.get(value)
        return format_html("{} {}", sign, label) if sign else str(label)

    def value_movement(self, value: str) -> str:
        return str(Movement(value).label)


class RoundSummaryTable(tables.Table):
    """The round's figures by area (rows are dicts from round_summary_by_area)."""

    area_name = tables.Column(verbose_name=_("area"), orderable=False)
    evaluations = NumberColumn(verbose_name=_("evaluations"), orderable=False)
    decided = NumberColumn(verbose_name=_("decided"), orderable=False)
    four_star_named = NumberColumn(verbose_name=_("four-star named by the city"), orderable=False)
    five_star_certified = NumberColumn(verbose_name=_("five-star certified by the province"), orderable=False)

    def __init__(self, *args, **kwargs):
        extra = [
            (f"stars_{stars}", NumberColumn(verbose_name=f"{stars}★", orderable=False))
            for stars in range(MAX_STARS, 0, -1)
        ]
        super().__init__(*args, extra_columns=extra, **kwargs)

    class Meta:
        row_attrs = {"data-area": lambda record: record["area_name"]}


class RoundTable(tables.Table):
    year = tables.Column(verbose_name=_("year"), linkify=("ratings:round-summary", {"year": tables.A("year")}))
    status = tables.Column(verbose_name=_("status"))
    evaluation_count = NumberColumn(verbose_name=_("evaluations"))
    province_five_star_total = NumberColumn(verbose_name=_("five-star organisations in the province"), default="—")
    links = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta:
        model = Round
        fields = ("year", "status", "evaluation_count", "province_five_star_total")
        row_attrs = {"data-year": lambda record: record.year}

    def render_links(self, record):
        movers = format_html(
            '<a href="{}">{}</a>', reverse("ratings:round-movers", kwargs={"year": record.year}), _("Movers")
        )
        if not can(self.request.user, "edit", Evaluation):
            return movers
        entry = reverse("ratings:round-entry", kwargs={"year": record.year})
        return format_html('<a href="{}">{}</a> · {}', entry, _("Entry table"), movers)


class PairingTable(tables.Table):
    """Pairings, newest first. Sorts read an index in order: the start date
    (started_on, id) and either side's name (the party organisations'
    (name, id) index, joined to the pairings by key); the other columns are
    filters or shown only."""

    partner = tables.Column(
        verbose_name=_("partner (three stars or more)"),
        linkify=("ratings:pairing-detail", {"pk": tables.A("pk")}),
        order_by=("partner__name", "partner_id", "pk"),
    )
    partner_area = tables.Column(verbose_name=_("partner's area"), accessor="partner__area", orderable=False)
    partner_stars = StarsColumn(verbose_name=_("partner's stars at pairing"), orderable=False)
    party_organization = tables.Column(
        verbose_name=_("party organisation helped"),
        order_by=("party_organization__name", "party_organization_id", "pk"),
    )
    area = tables.Column(verbose_name=_("area"), accessor="party_organization__area", orderable=False)
    reason = tables.Column(verbose_name=_("why it needs help"), orderable=False)
    started_on = tables.DateColumn(verbose_name=_("start date"), order_by=("started_on", "pk"))
    status = tables.Column(verbose_name=_("status"), orderable=False)

    class Meta:
        model = Pairing
        fields = (
            "partner",
            "partner_area",
            "partner_stars",
            "party_organization",
            "area",
            "reason",
            "started_on",
            "status",
        )
        order_by = ("-started_on",)
        row_attrs = {
            "data-pk": lambda record: record.pk,
            "data-area": lambda record: record.party_organization.area.name,
        }
