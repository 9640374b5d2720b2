from __future__ import annotations

import django_tables2 as tables
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organizations.tables import YesNoColumn
from ui.columns import NumberColumn

from .models import Contribution, PilotAssignment, PilotCommunity, PlaqueAward, TrainingBase, TrainingSession

NUM = {"td": {"class": "num"}}


class YuanColumn(tables.Column):
    """Amounts grouped in the active locale on the page, plain numbers in exports."""

    def __init__(self, **kwargs):
        kwargs.setdefault("attrs", NUM)
        super().__init__(**kwargs)

    def render(self, value):
        return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)

    def value(self, value):
        return value


class TrainingBaseTable(tables.Table):
    """Bases by name (a unique index); area, functions and the yes/no columns
    are filters, and the session count is counted for the page's rows only,
    so none of them sorts."""

    name = tables.Column(linkify=("engagement:base-detail", {"pk": tables.A("pk")}))
    host = tables.Column(verbose_name=_("host"), accessor="host_label", orderable=False)
    area = tables.Column(orderable=False)
    functions = tables.Column(verbose_name=_("functions"), accessor="function_labels", orderable=False)
    is_provincial_point = YesNoColumn(orderable=False)
    active = YesNoColumn(orderable=False)
    session_count = NumberColumn(verbose_name=_("sessions held"), orderable=False)

    class Meta:
        model = TrainingBase
        fields = ("name", "host", "area", "functions", "is_provincial_point", "active", "session_count")
        order_by = ("name",)
        row_attrs = {"data-area": lambda record: record.area.name}

    def render_functions(self, value):
        return "、".join(value)

    def value_functions(self, value):
        return self.render_functions(value)


class TrainingSessionTable(tables.Table):
    """Newest first; the date is the one sort (its (held_on, id) index), the
    base, area and topic are filters."""

    held_on = tables.DateColumn(order_by=("held_on", "pk"))
    topic = tables.Column(linkify=lambda record: record.get_absolute_url(), orderable=False)
    base = tables.Column(linkify=("engagement:base-detail", {"pk": tables.A("base_id")}), orderable=False)
    area = tables.Column(verbose_name=_("registration area"), accessor="base__area", orderable=False)
    attendees = NumberColumn(attrs=NUM, orderable=False)
    new_secretaries = NumberColumn(attrs=NUM, orderable=False)

    class Meta:
        model = TrainingSession
        fields = ("held_on", "topic", "base", "area", "attendees", "new_secretaries")
        order_by = ("-held_on",)


class PilotCommunityTable(tables.Table):
    """Pilot communities in the area tree's order (a few hundred at most, one
    per community); each names its first serving organisations and counts them."""

    community = tables.Column(linkify=("engagement:pilot-detail", {"pk": tables.A("pk")}), orderable=False)
    subdistrict = tables.Column(verbose_name=_("sub-district"), accessor="community__parent", orderable=False)
    district = tables.Column(
        verbose_name=_("district"), accessor="community__parent__parent", order_by=("community__path", "pk")
    )
    selected_on = tables.DateColumn(orderable=False)
    organizations = tables.Column(verbose_name=_("serving organisations"), accessor="serving", orderable=False)

    class Meta:
        model = PilotCommunity
        fields = ("community", "subdistrict", "district", "selected_on", "organizations")
        order_by = ("district",)

    def render_organizations(self, value, record):
        return self.value_organizations(value, record) or "—"

    def value_organizations(self, value, record):
        names = "、".join(a.organization.name for a in value)
        if record.serving_count > len(value):
            return gettext("%(names)s, %(total)s in all") % {"names": names, "total": record.serving_count}
        return names


class PilotAssignmentTable(tables.Table):
    """By community (in the area tree's order, a few hundred communities),
    then organisation name. Not by organisation name alone: a few in a
    hundred organisations serve a pilot, so the organisations' name index
    would be read far past a page to find them. Category, area, community and
    the organisation's name (search) are filters."""

    organization = tables.Column(linkify=("engagement:pilot-detail", {"pk": tables.A("community_id")}), orderable=False)
    category = tables.Column(verbose_name=_("category"), accessor="organization__category", orderable=False)
    organization_area = tables.Column(
        verbose_name=_("registration area"), accessor="organization__area", orderable=False
    )
    community = tables.Column(
        linkify=("engagement:pilot-detail", {"pk": tables.A("community_id")}),
        order_by=("community__community__path", "organization__name", "pk"),
    )
    subdistrict = tables.Column(
        verbose_name=_("sub-district"), accessor="community__community__parent", orderable=False
    )
    selected_on = tables.DateColumn(orderable=False)
    star_level_at_selection = tables.Column(default="—", attrs=NUM, orderable=False)

    class Meta:
        model = PilotAssignment
        fields = (
            "organization",
            "category",
            "organization_area",
            "community",
            "subdistrict",
            "selected_on",
            "star_level_at_selection",
        )
        order_by = ("community",)

    def render_category(self, record):
        return record.organization.get_category_display()

    def value_category(self, record):
        return record.organization.get_category_display()


class PlaqueAwardTable(tables.Table):
    """Newest first (the (awarded_on, id) index). Not by organisation name:
    about one organisation in a hundred has a plaque, so the organisations'
    name index would be read far past a page to find them. Area, community,
    agreement and the organisation's name (search) are filters."""

    organization = tables.Column(linkify=("engagement:plaque-detail", {"pk": tables.A("pk")}), orderable=False)
    organization_area = tables.Column(
        verbose_name=_("registration area"), accessor="organization__area", orderable=False
    )
    awarded_on = tables.DateColumn(order_by=("awarded_on", "pk"))
    place = tables.Column(orderable=False)
    community = tables.Column(default="—", orderable=False)
    agreement_signed = YesNoColumn(orderable=False)

    class Meta:
        model = PlaqueAward
        fields = ("organization", "organization_area", "awarded_on", "place", "community", "agreement_signed")
        order_by = ("-awarded_on",)


class ContributionTable(tables.Table):
    """Newest first (the (made_on, id) index) or by organisation name (its
    (name, id) index); kind, area, exemplary case and teams are filters."""

    made_on = tables.DateColumn(order_by=("made_on", "pk"))
    organization = tables.Column(
        linkify=("engagement:contribution-detail", {"pk": tables.A("pk")}),
        order_by=("organization__name", "organization_id", "pk"),
    )
    organization_area = tables.Column(
        verbose_name=_("registration area"), accessor="organization__area", orderable=False
    )
    kind = tables.Column(orderable=False)
    money_yuan = YuanColumn(orderable=False)
    goods_value_yuan = YuanColumn(orderable=False)
    people_helped = NumberColumn(attrs=NUM, orderable=False)
    is_exemplary_case = YesNoColumn(orderable=False)
    teams_sent = NumberColumn(attrs=NUM, orderable=False)

    class Meta:
        model = Contribution
        fields = (
            "made_on",
            "organization",
            "organization_area",
            "kind",
            "money_yuan",
            "goods_value_yuan",
            "people_helped",
            "is_exemplary_case",
            "teams_sent",
        )
        order_by = ("-made_on",)
