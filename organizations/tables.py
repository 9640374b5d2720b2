from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import PartyOrganization, SocialOrganization
from .selectors import CoverageState


class YesNoColumn(tables.Column):
    def render(self, value):
        return _("Yes") if value else _("No")

    def value(self, value):
        return self.render(value)


class SocialOrganizationTable(tables.Table):
    name = tables.Column(linkify=("organizations:organization-detail", {"pk": tables.A("pk")}))
    credit_code = tables.Column()
    category = tables.Column()
    area = tables.Column(order_by=("area__sort_order", "area__code"))
    supervising_unit = tables.Column(default="—")
    responsible_body = tables.Column(verbose_name=_("responsible body"))
    formal_party_members = tables.Column(attrs={"td": {"class": "num"}})
    coverage_state = tables.Column(verbose_name=_("coverage"), attrs={"td": {"class": "coverage"}})
    must_establish_not_established = YesNoColumn(verbose_name=_("must establish, not established"))
    status = tables.Column()

    class Meta:
        model = SocialOrganization
        fields = (
            "name",
            "credit_code",
            "category",
            "area",
            "supervising_unit",
            "responsible_body",
            "formal_party_members",
            "coverage_state",
            "must_establish_not_established",
            "status",
        )
        order_by = ("name",)
        row_attrs = {"data-area": lambda record: record.area.name}

    def render_coverage_state(self, value: str) -> str:
        return str(CoverageState(value).label)

    def value_coverage_state(self, value: str) -> str:
        return str(CoverageState(value).label)


class PartyOrganizationTable(tables.Table):
    name = tables.Column(linkify=("organizations:party-organization-detail", {"pk": tables.A("pk")}))
    kind = tables.Column()
    formation = tables.Column()
    area = tables.Column(order_by=("area__sort_order", "area__code"))
    supervising_unit = tables.Column(default="—")
    covered_count = tables.Column(verbose_name=_("organisations covered"), attrs={"td": {"class": "num"}})
    secretary = tables.Column(default=_("(vacant)"))
    member_count = tables.Column(attrs={"td": {"class": "num"}})
    established_on = tables.DateColumn()
    term_due_on = tables.DateColumn()
    last_activity_on = tables.DateColumn(default="—")
    status = tables.Column()

    class Meta:
        model = PartyOrganization
        fields = (
            "name",
            "kind",
            "formation",
            "area",
            "supervising_unit",
            "covered_count",
            "secretary",
            "member_count",
            "established_on",
            "term_due_on",
            "last_activity_on",
            "status",
        )
        order_by = ("name",)
        row_attrs = {"data-area": lambda record: record.area.name}
