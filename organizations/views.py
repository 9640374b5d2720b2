from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from accounts.mixins import PermissionRequiredMixin
from accounts.services import data_from
from coverage.recount.periods import half_year_or_none
from ui.views import AsOfListMixin, KeptPageMixin, ScopedListView, ServiceCreateView, ServiceUpdateView

from . import selectors, services
from .autocomplete import location_label
from .filters import PartyOrganizationFilter, SocialOrganizationFilter
from .forms import PartyOrganizationForm, SocialOrganizationForm
from .models import PartyOrganization, SocialOrganization
from .tables import PartyOrganizationTable, SocialOrganizationTable


class KeyedAreaListMixin:
    """Filters always bound, even without a query string: the area filter
    (by_key) then narrows a district official's rows by area key on every
    page, the form in which PostgreSQL reads their district in name order
    from an index (ui.filters.area_keys)."""

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}


class OrganizationListView(KeyedAreaListMixin, AsOfListMixin, ScopedListView):
    model = SocialOrganization
    selector = staticmethod(selectors.organization_rows)
    # ?period=2020H1: the organisations a half-year's figures count, as they stood on its last day.
    period_resolver = staticmethod(half_year_or_none)
    as_of_selector = staticmethod(selectors.organization_rows_as_of)
    table_class = SocialOrganizationTable
    filterset_class = SocialOrganizationFilter
    export_name = "social-organisations"
    extra_context = {
        "title": _("Social organisations"),
        "create_url": "organizations:organization-create",
        # Assign one instructor to the organisations the filter shows (at most 200).
        "bulk_action": {
            "url": "organizations:instructor-assign",
            "model": "organizations.instructorassignment",
            "label": _("Assign an instructor to these"),
        },
    }

    def get_table_data(self):
        rows = super().get_table_data()
        # The export's location column names the sub-district and community:
        # joined for it, not read row by row. The page does not show it.
        return rows.select_related("location__parent__parent") if self.get_export_format() else rows


class OrganizationDetailView(PermissionRequiredMixin, KeptPageMixin, DetailView):
    model = SocialOrganization
    selector = staticmethod(selectors.organization_detail)
    template_name = "organizations/organization_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["coverage_label"] = selectors.CoverageState(self.object.coverage_state).label
        if self.object.location is not None:
            context["location_label"] = location_label(self.object.location, within=self.object.area)
        return context


class PartyOrganizationListView(KeyedAreaListMixin, AsOfListMixin, ScopedListView):
    model = PartyOrganization
    selector = staticmethod(selectors.party_organization_rows)
    period_resolver = staticmethod(half_year_or_none)
    as_of_selector = staticmethod(selectors.party_organization_rows_as_of)
    table_class = PartyOrganizationTable
    filterset_class = PartyOrganizationFilter
    export_name = "party-organisations"
    extra_context = {"title": _("Party organisations"), "create_url": "organizations:party-organization-create"}


class PartyOrganizationDetailView(PermissionRequiredMixin, KeptPageMixin, DetailView):
    model = PartyOrganization
    selector = staticmethod(selectors.party_organization_detail)
    template_name = "organizations/party_organization_detail.html"


class OrganizationCreateView(ServiceCreateView):
    model = SocialOrganization
    form_class = SocialOrganizationForm
    extra_context = {"title": _("Register a social organisation")}

    def run_service(self, data):
        return services.organization_create(actor=self.request.user, data=data_from(services.OrganizationData, data))


class OrganizationUpdateView(ServiceUpdateView):
    model = SocialOrganization
    form_class = SocialOrganizationForm
    extra_context = {"title": _("Edit social organisation")}

    def run_service(self, data):
        return services.organization_update(
            actor=self.request.user, organization=self.object, data=data_from(services.OrganizationData, data)
        )


class PartyOrganizationCreateView(ServiceCreateView):
    model = PartyOrganization
    form_class = PartyOrganizationForm
    extra_context = {"title": _("Record a party organisation")}

    def run_service(self, data):
        organizations = data.pop("organizations")
        return services.party_organization_create(
            actor=self.request.user,
            data=data_from(services.PartyOrganizationData, data),
            organizations=organizations,
        ), []


class PartyOrganizationUpdateView(ServiceUpdateView):
    model = PartyOrganization
    form_class = PartyOrganizationForm
    extra_context = {"title": _("Edit party organisation")}

    def run_service(self, data):
        organizations = data.pop("organizations")
        party_org = services.party_organization_update(
            actor=self.request.user,
            party_organization=self.object,
            data=data_from(services.PartyOrganizationData, data),
            organizations=organizations,
        )
        return party_org, []
