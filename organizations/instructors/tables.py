from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from ui.columns import NumberColumn

from ..models import InstructorAssignment


class AssignmentTable(tables.Table):
    person_name = tables.Column(
        verbose_name=_("full name"), linkify=("organizations:instructor-detail", {"pk": tables.A("pk")})
    )
    role = tables.Column()
    phone = tables.Column(default="—")
    organization = tables.Column(
        linkify=("organizations:organization-detail", {"pk": tables.A("organization_id")}),
        order_by=("organization__name",),
    )
    area = tables.Column(accessor="organization__area", verbose_name=_("area"), orderable=False)
    started_on = tables.DateColumn(format="Y-m-d")
    ended_on = tables.DateColumn(format="Y-m-d", default="—")

    class Meta:
        model = InstructorAssignment
        fields = ("person_name", "role", "phone", "organization", "area", "started_on", "ended_on")
        order_by = ("-started_on",)
        empty_text = _("No instructor or liaison is assigned in your area yet, or none matches the filter.")


class WorkloadTable(tables.Table):
    person_name = tables.Column(verbose_name=_("full name"))
    role = tables.Column(verbose_name=_("role"))
    phone = tables.Column(verbose_name=_("phone"), default="—")
    serving = NumberColumn(verbose_name=_("organisations served today"))
    total = NumberColumn(verbose_name=_("assignments in all"))

    class Meta:
        orderable = False
        empty_text = _("No instructor or liaison is assigned in your area yet.")

    def render_role(self, value):
        return InstructorAssignment.Role(value).label

    def value_role(self, value):
        return self.render_role(value)

    def render_person_name(self, value, record):
        url = (
            reverse("organizations:instructor-list")
            + "?"
            + urlencode({"q": record["phone"] or value, "state": "serving"})
        )
        return format_html('<a href="{}">{}</a>', url, value)

    def value_person_name(self, value):
        return value
