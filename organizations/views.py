from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, UpdateView

from accounts.scoping import EditorRequiredMixin, ScopedQuerysetMixin
from ui.forms import add_service_errors
from ui.views import ScopedListView

from . import selectors, services
from .filters import PartyOrganizationFilter, SocialOrganizationFilter
from .forms import PartyOrganizationForm, SocialOrganizationForm
from .models import PartyOrganization, SocialOrganization
from .tables import COVERAGE_LABELS, PartyOrganizationTable, SocialOrganizationTable


class OrganizationListView(ScopedListView):
    model = SocialOrganization
    selector = staticmethod(selectors.organization_rows)
    table_class = SocialOrganizationTable
    filterset_class = SocialOrganizationFilter
    export_name = "social-organisations"
    extra_context = {"title": _("Social organisations"), "create_url": "organizations:organization-create"}


class OrganizationDetailView(ScopedQuerysetMixin, DetailView):
    model = SocialOrganization
    selector = staticmethod(selectors.organization_detail)
    template_name = "organizations/organization_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["coverage_label"] = COVERAGE_LABELS[self.object.coverage_state]
        return context


class PartyOrganizationListView(ScopedListView):
    model = PartyOrganization
    selector = staticmethod(selectors.party_organization_rows)
    table_class = PartyOrganizationTable
    filterset_class = PartyOrganizationFilter
    export_name = "party-organisations"
    extra_context = {"title": _("Party organisations"), "create_url": "organizations:party-organization-create"}


class PartyOrganizationDetailView(ScopedQuerysetMixin, DetailView):
    model = PartyOrganization
    selector = staticmethod(selectors.party_organization_detail)
    template_name = "organizations/party_organization_detail.html"


class ServiceFormMixin(EditorRequiredMixin):
    """Validate with the form, write with the service, show its errors on the form."""

    template_name = "form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            self.object, warnings = self.run_service(dict(form.cleaned_data))
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        for warning in warnings:
            messages.warning(self.request, warning)
        return HttpResponseRedirect(self.object.get_absolute_url())


class OrganizationCreateView(ServiceFormMixin, CreateView):
    model = SocialOrganization
    form_class = SocialOrganizationForm
    extra_context = {"title": _("Register a social organisation")}

    def run_service(self, data):
        return services.organization_create(actor=self.request.user, **data)


class OrganizationUpdateView(ServiceFormMixin, ScopedQuerysetMixin, UpdateView):
    model = SocialOrganization
    form_class = SocialOrganizationForm
    extra_context = {"title": _("Edit social organisation")}

    def run_service(self, data):
        return services.organization_update(actor=self.request.user, organization=self.object, **data)


class PartyOrganizationCreateView(ServiceFormMixin, CreateView):
    model = PartyOrganization
    form_class = PartyOrganizationForm
    extra_context = {"title": _("Record a party organisation")}

    def run_service(self, data):
        organizations = data.pop("organizations")
        return services.party_organization_create(actor=self.request.user, organizations=organizations, **data), []


class PartyOrganizationUpdateView(ServiceFormMixin, ScopedQuerysetMixin, UpdateView):
    model = PartyOrganization
    form_class = PartyOrganizationForm
    extra_context = {"title": _("Edit party organisation")}

    def run_service(self, data):
        organizations = data.pop("organizations")
        party_org = services.party_organization_update(
            actor=self.request.user, party_organization=self.object, organizations=organizations, **data
        )
        return party_org, []
