"""The change lists: one table per kind of record."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from organizations.models import InstructorAssignment, PartyOrganization, SocialOrganization
from organizations.selectors import CoverageState
from ui.columns import ChoiceColumn, NumberColumn

AREA_ORDER = ("area__sort_order", "area__code")


class CoverageNoteColumn(tables.Column):
    """Why an organisation entered or left a figure without a coverage change of its own."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        super().__init__(*args, **kwargs)

    def render(self, record):
        if not record.active_before:
            return _("Registered in this half-year")
        if not record.active_after:
            return _("Deregistered in this half-year")
        return "—"

    def value(self, record):
        return str(self.render(record))


class EndCoverageColumn(ChoiceColumn):
    """Coverage on the half-year's last day; none for an organisation no longer registered then."""

    def render(self, value, record):
        return super().render(value) if record.active_after else "—"

    def value(self, value, record):
        return super().value(value) if record.active_after else ""


class OrganizationChangeTable(tables.Table):
    name = tables.Column(linkify=("organizations:organization-detail", {"pk": tables.A("pk")}))
    credit_code = tables.Column()
    category = tables.Column()
    area = tables.Column(order_by=AREA_ORDER)
    supervising_unit = tables.Column(default="—")
    formal_party_members = NumberColumn()
    registered_on = tables.DateColumn()
    deregistered_on = tables.DateColumn(default="—")
    coverage_state = EndCoverageColumn(CoverageState, verbose_name=_("Coverage at the half-year's end"))
    note = CoverageNoteColumn(verbose_name=_("Note"))

    class Meta:
        model = SocialOrganization
        fields = (
            "name",
            "credit_code",
            "category",
            "area",
            "supervising_unit",
            "formal_party_members",
            "registered_on",
            "deregistered_on",
            "coverage_state",
            "note",
        )
        row_attrs = {"data-pk": lambda record: record.pk}


class PartyOrganizationChangeTable(tables.Table):
    name = tables.Column(linkify=("organizations:party-organization-detail", {"pk": tables.A("pk")}))
    kind = tables.Column()
    formation = tables.Column()
    area = tables.Column(order_by=AREA_ORDER)
    supervising_unit = tables.Column(default="—")
    secretary = tables.Column(default=_("(vacant)"))
    established_on = tables.DateColumn()
    dissolved_on = tables.DateColumn(default="—")

    class Meta:
        model = PartyOrganization
        fields = (
            "name",
            "kind",
            "formation",
            "area",
            "supervising_unit",
            "secretary",
            "established_on",
            "dissolved_on",
        )
        row_attrs = {"data-pk": lambda record: record.pk}


class InstructorChangeTable(tables.Table):
    person_name = tables.Column()
    role = tables.Column()
    organization = tables.Column(
        linkify=("organizations:organization-detail", {"pk": tables.A("organization_id")}),
        order_by=("organization__name",),
    )
    area = tables.Column(
        verbose_name=_("Area"), accessor="organization__area", order_by=("organization__area__sort_order",)
    )
    supervising_unit = tables.Column(
        verbose_name=_("Supervising unit"),
        accessor="organization__supervising_unit",
        order_by=("organization__supervising_unit__name",),
        default="—",
    )
    started_on = tables.DateColumn()
    ended_on = tables.DateColumn(default="—")

    class Meta:
        model = InstructorAssignment
        fields = ("person_name", "role", "organization", "area", "supervising_unit", "started_on", "ended_on")
        row_attrs = {"data-pk": lambda record: record.pk}
