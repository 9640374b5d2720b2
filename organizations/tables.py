from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ui.columns import NumberColumn

from .autocomplete import location_label
from .models import PartyOrganization, SocialOrganization
from .selectors import CoverageState


class YesNoColumn(tables.Column):
    def render(self, value):
        return _("Yes") if value else _("No")

    def value(self, value):
        return self.render(value)


def by_name_after(*fields: str) -> tuple[str, ...]:
    """A sort by these fields, then by name, then by key: one index per sort
    (see the model's Meta.indexes) serves it in order, so a page reads its
    rows and no more, and the key makes the order total, so no row is shown
    on two pages or on none."""
    return (*fields, "name", "pk")


# Lists sort only by what an index serves: a sort by a joined table's column
# (area, supervising unit) or a computed one would sort every matching row for
# each page. Those columns are filters instead.
class SocialOrganizationTable(tables.Table):
    name = tables.Column(
        linkify=("organizations:organization-detail", {"pk": tables.A("pk")}), order_by=by_name_after()
    )
    credit_code = tables.Column()
    category = tables.Column(order_by=by_name_after("category"))
    area = tables.Column(orderable=False)
    # Export only: where it sits (sub-district · community). The page's table
    # is already wide at a phone's width; the detail page and the filter say it.
    location = tables.Column(verbose_name=_("Sub-district or community"), visible=False, default="")
    supervising_unit = tables.Column(default="—", orderable=False)
    responsible_body = tables.Column(verbose_name=_("responsible body"), orderable=False)
    formal_party_members = NumberColumn(orderable=False)
    coverage_state = tables.Column(
        verbose_name=_("coverage"), attrs={"td": {"class": "coverage"}}, order_by=by_name_after("coverage_state")
    )
    must_establish_not_established = YesNoColumn(
        verbose_name=_("must establish, not established"), order_by=by_name_after("must_establish_not_established")
    )
    status = tables.Column(order_by=by_name_after("status"))
    # Export only: who to call about an organisation that must still set up its
    # party organisation (the 应建未建 list is this table filtered), kept off the page.
    setup_contact = tables.Column(visible=False)
    setup_contact_phone = tables.Column(visible=False)

    class Meta:
        model = SocialOrganization
        fields = (
            "name",
            "credit_code",
            "category",
            "area",
            "location",
            "supervising_unit",
            "responsible_body",
            "formal_party_members",
            "coverage_state",
            "must_establish_not_established",
            "status",
            "setup_contact",
            "setup_contact_phone",
        )
        order_by = ("name",)
        row_attrs = {"data-area": lambda record: record.area.name}

    def render_location(self, value, record) -> str:
        return location_label(value, within=record.area) if value else ""

    def value_location(self, value, record) -> str:
        return location_label(value, within=record.area) if value else ""

    def render_coverage_state(self, value: str) -> str:
        return str(CoverageState(value).label)

    def value_coverage_state(self, value: str) -> str:
        return str(CoverageState(value).label)


class PartyOrganizationTable(tables.Table):
    name = tables.Column(
        linkify=("organizations:party-organization-detail", {"pk": tables.A("pk")}), order_by=by_name_after()
    )
    kind = tables.Column(orderable=False)
    formation = tables.Column(orderable=False)
    area = tables.Column(orderable=False)
    supervising_unit = tables.Column(default="—", orderable=False)
    # Counted for the page's rows only (a correlated count), so it cannot be sorted on.
    covered_count = NumberColumn(verbose_name=_("organisations covered"), orderable=False)
    secretary = tables.Column(default=_("(vacant)"), orderable=False)
    member_count = NumberColumn(orderable=False)
    # The dates that call for action (换届 due, no activity lately) sort, by their own indexes.
    established_on = tables.DateColumn(order_by=("established_on", "pk"))
    term_due_on = tables.DateColumn(order_by=("term_due_on", "pk"))
    last_activity_on = tables.DateColumn(default="—", order_by=("last_activity_on", "pk"))
    status = tables.Column(order_by=by_name_after("status"))

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
