from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from organizations.models import SocialOrganization
from organizations.tables import by_name_after
from ui.columns import NumberColumn

DATE = {"td": {"class": "nowrap"}}


class SinceColumn(tables.DateColumn):
    """The date an indicator has held since; "—" when it does not hold."""

    def __init__(self, **kwargs):
        super().__init__(format="Y-m-d", orderable=False, attrs=DATE, **kwargs)


class PoliticalTable(tables.Table):
    """Organisations by name (an index serves it); the indicator columns are
    filters, not sorts, as they sit in a joined table."""

    name = tables.Column(
        linkify=("organizations:organization-detail", {"pk": tables.A("pk")}), order_by=by_name_after()
    )
    area = tables.Column(orderable=False)
    charter = SinceColumn(verbose_name=_("In the charter"), accessor="political__charter_on")
    members_in_management = NumberColumn(
        verbose_name=_("Members in management"), accessor="political__members_in_management", orderable=False
    )
    management_on_committee = NumberColumn(
        verbose_name=_("Management on committee"), accessor="political__management_on_committee", orderable=False
    )
    cross_appointed = SinceColumn(verbose_name=_("Cross-appointed"), accessor="political__cross_appointed_on")
    secretary_meetings = SinceColumn(
        verbose_name=_("Secretary at meetings"), accessor="political__secretary_meetings_on"
    )
    consultation = SinceColumn(verbose_name=_("Consultation"), accessor="political__consultation_on")

    class Meta:
        model = SocialOrganization
        fields = (
            "name",
            "area",
            "charter",
            "members_in_management",
            "management_on_committee",
            "cross_appointed",
            "secretary_meetings",
            "consultation",
        )
        order_by = ("name",)
