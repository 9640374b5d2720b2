from __future__ import annotations

import django_tables2 as tables
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from organizations.tables import YesNoColumn

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
    name = tables.Column(linkify=("engagement:base-detail", {"pk": tables.A("pk")}))
    host = tables.Column(
        verbose_name=_("host"), accessor="host_label", order_by=("host_organization__name", "host_name")
    )
    area = tables.Column(order_by=("area__sort_order", "area__code"))
    functions = tables.Column(verbose_name=_("functions"), accessor="function_labels", orderable=False)
    is_provincial_point = YesNoColumn()
    active = YesNoColumn()
    session_count = tables.Column(verbose_name=_("sessions held"), attrs=NUM)

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
    held_on = tables.DateColumn()
    topic = tables.Column(linkify=lambda record: record.get_absolute_url())
    base = tables.Column(linkify=("engagement:base-detail", {"pk": tables.A("base_id")}), order_by=("base__name",))
    area = tables.Column(
        verbose_name=_("registration area"),
        accessor="base__area",
        order_by=("base__area__sort_order", "base__area__code"),
    )
    attendees = tables.Column(attrs=NUM)
    new_secretaries = tables.Column(attrs=NUM)

    class Meta:
        model = TrainingSession
        fields = ("held_on", "topic", "base", "area", "attendees", "new_secretaries")
        order_by = ("-held_on",)


class PilotCommunityTable(tables.Table):
    community = tables.Column(
        linkify=("engagement:pilot-detail", {"pk": tables.A("pk")}), order_by=("community__name",)
    )
    subdistrict = tables.Column(
        verbose_name=_("sub-district"), accessor="community__parent", order_by=("community__path",)
    )
    district = tables.Column(
        verbose_name=_("district"), accessor="community__parent__parent", order_by=("community__path",)
    )
    selected_on = tables.DateColumn()
    organizations = tables.Column(verbose_name=_("serving organisations"), accessor="serving", orderable=False)

    class Meta:
        model = PilotCommunity
        fields = ("community", "subdistrict", "district", "selected_on", "organizations")
        order_by = ("district",)

    def render_organizations(self, value):
        return "、".join(a.organization.name for a in value) or "—"

    def value_organizations(self, value):
        return "、".join(a.organization.name for a in value)


class PilotAssignmentTable(tables.Table):
    organization = tables.Column(
        linkify=("engagement:pilot-detail", {"pk": tables.A("community_id")}), order_by=("organization__name",)
    )
    category = tables.Column(verbose_name=_("category"), accessor="organization__category")
    organization_area = tables.Column(
        verbose_name=_("registration area"),
        accessor="organization__area",
        order_by=("organization__area__sort_order", "organization__area__code"),
    )
    community = tables.Column(
        linkify=("engagement:pilot-detail", {"pk": tables.A("community_id")}), order_by=("community__community__path",)
    )
    subdistrict = tables.Column(
        verbose_name=_("sub-district"),
        accessor="community__community__parent",
        order_by=("community__community__path",),
    )
    selected_on = tables.DateColumn()
    star_level_at_selection = tables.Column(default="—", attrs=NUM)

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
    organization = tables.Column(
        linkify=("engagement:plaque-detail", {"pk": tables.A("pk")}), order_by=("organization__name",)
    )
    organization_area = tables.Column(
        verbose_name=_("registration area"),
        accessor="organization__area",
        order_by=("organization__area__sort_order", "organization__area__code"),
    )
    awarded_on = tables.DateColumn()
    place = tables.Column()
    community = tables.Column(default="—", order_by=("community__community__path",))
    agreement_signed = YesNoColumn()

    class Meta:
        model = PlaqueAward
        fields = ("organization", "organization_area", "awarded_on", "place", "community", "agreement_signed")
        order_by = ("-awarded_on",)


class ContributionTable(tables.Table):
    made_on = tables.DateColumn()
    organization = tables.Column(
        linkify=("engagement:contribution-detail", {"pk": tables.A("pk")}), order_by=("organization__name",)
    )
    organization_area = tables.Column(
        verbose_name=_("registration area"),
        accessor="organization__area",
        order_by=("organization__area__sort_order", "organization__area__code"),
    )
    kind = tables.Column()
    money_yuan = YuanColumn()
    goods_value_yuan = YuanColumn()
    people_helped = tables.Column(attrs=NUM)
    is_exemplary_case = YesNoColumn()
    teams_sent = tables.Column(attrs=NUM)

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
