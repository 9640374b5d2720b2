from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from accounts.mixins import PermissionRequiredMixin
from accounts.permissions import Action
from accounts.services import data_from
from ui.views import ScopedListView, ServiceCreateView, ServiceUpdateView

from . import selectors, services
from .filters import BrandFilter
from .forms import BrandForm
from .models import Brand
from .tables import BrandTable


class BrandListView(ScopedListView):
    model = Brand
    selector = staticmethod(selectors.brand_rows)
    table_class = BrandTable
    filterset_class = BrandFilter
    export_name = "party-building-brands"
    extra_context = {"title": _("Party-building brands"), "create_url": "brands:brand-create"}


class BrandDetailView(PermissionRequiredMixin, DetailView):
    model = Brand
    selector = staticmethod(selectors.brand_detail)
    template_name = "brands/brand_detail.html"


class BrandServiceMixin:
    def run_service(self, data):
        data = data_from(services.BrandData, data)
        if self.object is None:
            return services.brand_create(actor=self.request.user, data=data), []
        return services.brand_update(actor=self.request.user, brand=self.object, data=data), []


class BrandCreateView(BrandServiceMixin, ServiceCreateView):
    model = Brand
    form_class = BrandForm
    extra_context = {"title": _("New party-building brand")}

    def get_initial(self):
        # "Add a brand" on a party organisation's page names it.
        return {**super().get_initial(), "party_organization": self.request.GET.get("party_organization")}


class BrandUpdateView(BrandServiceMixin, ServiceUpdateView):
    model = Brand
    form_class = BrandForm
    extra_context = {"title": _("Edit party-building brand")}


class BrandDeleteView(PermissionRequiredMixin, DetailView):
    """Asks before withdrawing a brand; whoever may change it may delete it."""

    model = Brand
    permission_action = Action.CHANGE
    selector = staticmethod(selectors.brand_detail)
    template_name = "brands/brand_confirm_delete.html"

    def post(self, request, *args, **kwargs):
        brand = self.get_object()
        services.brand_delete(actor=request.user, brand=brand)
        messages.success(request, _("The brand %(name)s was deleted.") % {"name": brand.name})
        return HttpResponseRedirect(reverse("brands:brand-list"))
