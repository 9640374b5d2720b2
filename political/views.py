from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.views.generic import UpdateView

from accounts.permissions import Action
from accounts.services import data_from
from organizations.models import SocialOrganization
from ui.views import ScopedListView, ServiceFormMixin

from . import selectors, services
from .filters import PoliticalFilter
from .forms import PoliticalBuildingForm
from .models import PoliticalBuilding
from .tables import PoliticalTable


class PoliticalListView(ScopedListView):
    """The organisations in the user's scope with their four indicators."""

    model = SocialOrganization
    selector = staticmethod(selectors.organization_rows)
    table_class = PoliticalTable
    filterset_class = PoliticalFilter
    export_name = "political-building"
    extra_context = {"title": _("Political building")}


class PoliticalBuildingUpdateView(ServiceFormMixin, UpdateView):
    """An organisation's indicators, at /political/<organisation>/edit/.

    The URL names the organisation, whose row may not exist yet: the page is
    refused (404 out of scope, 403 read-only) as changing the organisation's
    row would be, and the service makes the row on the first save."""

    model = SocialOrganization
    permission_action = Action.CHANGE
    form_class = PoliticalBuildingForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = PoliticalBuilding.objects.filter(organization=self.object).first() or PoliticalBuilding(
            organization=self.object
        )
        return kwargs

    extra_context = {"title": _("Political building")}

    def run_service(self, data):
        saved = services.political_building_save(
            actor=self.request.user,
            organization=self.object,
            data=data_from(services.PoliticalBuildingData, data),
        )
        return saved, []
