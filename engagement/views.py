from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from accounts.mixins import PermissionRequiredMixin
from accounts.services import data_from
from ui.views import KeptPageMixin, ScopedListView, ServiceCreateView, ServiceUpdateView

from . import selectors, services
from .filters import (
    ContributionFilter,
    PilotAssignmentFilter,
    PilotCommunityFilter,
    PlaqueAwardFilter,
    TrainingBaseFilter,
    TrainingSessionFilter,
)
from .forms import (
    ContributionForm,
    PilotAssignmentForm,
    PilotCommunityForm,
    PlaqueAwardForm,
    TrainingBaseForm,
    TrainingSessionForm,
)
from .models import Contribution, PilotAssignment, PilotCommunity, PlaqueAward, TrainingBase, TrainingSession
from .tables import (
    ContributionTable,
    PilotAssignmentTable,
    PilotCommunityTable,
    PlaqueAwardTable,
    TrainingBaseTable,
    TrainingSessionTable,
)


class DataServiceMixin:
    """A create or edit page names its service and the service's data class,
    which the form's cleaned data must match field for field. An edit passes
    its record under the entity's name: `training_base_update(training_base=...)`."""

    service = None
    data_class = None

    def run_service(self, data):
        record = {} if self.object is None else {self.service.__name__.removesuffix("_update"): self.object}
        return self.service(actor=self.request.user, data=data_from(self.data_class, data), **record), []


class IndexView(LoginRequiredMixin, KeptPageMixin, TemplateView):
    template_name = "engagement/index.html"
    extra_context = {"title": _("Training, pilots and contributions")}

    def get_context_data(self, **kwargs):
        summary = selectors.index_figures(self.request.user)
        rows = [(kind.value, kind.label, summary["contributions"][kind.value]) for kind in Contribution.Kind]
        return {**super().get_context_data(**kwargs), "summary": summary, "contribution_rows": rows}


# --------------------------------------------------------------------------
# Training bases and sessions
# --------------------------------------------------------------------------


class TrainingBaseListView(ScopedListView):
    model = TrainingBase
    selector = staticmethod(selectors.training_base_rows)
    table_class = TrainingBaseTable
    filterset_class = TrainingBaseFilter
    export_name = "training-bases"
    extra_context = {"title": _("Training bases"), "create_url": "engagement:base-create"}


class TrainingBaseDetailView(PermissionRequiredMixin, DetailView):
    model = TrainingBase
    selector = staticmethod(selectors.training_base_detail)
    template_name = "engagement/base_detail.html"


class TrainingBaseCreateView(DataServiceMixin, ServiceCreateView):
    model = TrainingBase
    form_class = TrainingBaseForm
    service = staticmethod(services.training_base_create)
    data_class = services.TrainingBaseData
    extra_context = {"title": _("New training base")}


class TrainingBaseUpdateView(DataServiceMixin, ServiceUpdateView):
    model = TrainingBase
    form_class = TrainingBaseForm
    service = staticmethod(services.training_base_update)
    data_class = services.TrainingBaseData
    extra_context = {"title": _("Edit training base")}


class TrainingSessionListView(ScopedListView):
    model = TrainingSession
    selector = staticmethod(selectors.training_session_rows)
    table_class = TrainingSessionTable
    filterset_class = TrainingSessionFilter
    export_name = "training-sessions"
    extra_context = {"title": _("Training sessions"), "create_url": "engagement:session-create"}


class TrainingSessionCreateView(DataServiceMixin, ServiceCreateView):
    model = TrainingSession
    form_class = TrainingSessionForm
    service = staticmethod(services.training_session_create)
    data_class = services.TrainingSessionData
    extra_context = {"title": _("New training session")}

    def get_initial(self):
        # "Add a session" on a base's page names the base.
        return {**super().get_initial(), "base": self.request.GET.get("base")}


class TrainingSessionUpdateView(DataServiceMixin, ServiceUpdateView):
    model = TrainingSession
    form_class = TrainingSessionForm
    service = staticmethod(services.training_session_update)
    data_class = services.TrainingSessionData
    extra_context = {"title": _("Edit training session")}


# --------------------------------------------------------------------------
# Pilot communities, their organisations and plaques
# --------------------------------------------------------------------------


class PilotCommunityListView(ScopedListView):
    model = PilotCommunity
    selector = staticmethod(selectors.pilot_community_rows)
    selector_takes_user = True
    table_class = PilotCommunityTable
    filterset_class = PilotCommunityFilter
    export_name = "pilot-communities"
    extra_context = {"title": _("Pilot communities"), "create_url": "engagement:pilot-create"}


class PilotCommunityDetailView(PermissionRequiredMixin, DetailView):
    model = PilotCommunity
    selector = staticmethod(selectors.pilot_community_detail)
    selector_takes_user = True
    template_name = "engagement/pilot_detail.html"


class PilotCommunityCreateView(DataServiceMixin, ServiceCreateView):
    model = PilotCommunity
    form_class = PilotCommunityForm
    service = staticmethod(services.pilot_community_create)
    data_class = services.PilotCommunityData
    extra_context = {"title": _("New pilot community")}


class PilotCommunityUpdateView(DataServiceMixin, ServiceUpdateView):
    model = PilotCommunity
    form_class = PilotCommunityForm
    service = staticmethod(services.pilot_community_update)
    data_class = services.PilotCommunityData
    extra_context = {"title": _("Edit pilot community")}


class PilotAssignmentListView(ScopedListView):
    model = PilotAssignment
    selector = staticmethod(selectors.pilot_assignment_rows)
    table_class = PilotAssignmentTable
    filterset_class = PilotAssignmentFilter
    export_name = "pilot-organisations"
    extra_context = {"title": _("Pilot organisations"), "create_url": "engagement:assignment-create"}


class PilotAssignmentCreateView(DataServiceMixin, ServiceCreateView):
    model = PilotAssignment
    form_class = PilotAssignmentForm
    service = staticmethod(services.pilot_assignment_create)
    data_class = services.PilotAssignmentData
    extra_context = {"title": _("Assign an organisation to a pilot community")}

    def get_initial(self):
        return {**super().get_initial(), "community": self.request.GET.get("community")}


class PilotAssignmentUpdateView(DataServiceMixin, ServiceUpdateView):
    model = PilotAssignment
    form_class = PilotAssignmentForm
    service = staticmethod(services.pilot_assignment_update)
    data_class = services.PilotAssignmentData
    extra_context = {"title": _("Edit pilot organisation")}


class PlaqueAwardListView(ScopedListView):
    model = PlaqueAward
    selector = staticmethod(selectors.plaque_award_rows)
    table_class = PlaqueAwardTable
    filterset_class = PlaqueAwardFilter
    export_name = "plaques"
    extra_context = {"title": _("Plaques and pairing agreements"), "create_url": "engagement:plaque-create"}


class PlaqueAwardDetailView(PermissionRequiredMixin, DetailView):
    model = PlaqueAward
    selector = staticmethod(selectors.plaque_award_rows)
    template_name = "engagement/plaque_detail.html"


class PlaqueAwardCreateView(DataServiceMixin, ServiceCreateView):
    model = PlaqueAward
    form_class = PlaqueAwardForm
    service = staticmethod(services.plaque_award_create)
    data_class = services.PlaqueAwardData
    extra_context = {"title": _("Record a plaque award")}

    def get_initial(self):
        return {**super().get_initial(), "community": self.request.GET.get("community")}


class PlaqueAwardUpdateView(DataServiceMixin, ServiceUpdateView):
    model = PlaqueAward
    form_class = PlaqueAwardForm
    service = staticmethod(services.plaque_award_update)
    data_class = services.PlaqueAwardData
    extra_context = {"title": _("Edit plaque award")}


# --------------------------------------------------------------------------
# Contributions
# --------------------------------------------------------------------------


class ContributionListView(ScopedListView):
    model = Contribution
    selector = staticmethod(selectors.contribution_rows)
    table_class = ContributionTable
    filterset_class = ContributionFilter
    export_name = "contributions"
    extra_context = {"title": _("Contributions"), "create_url": "engagement:contribution-create"}


class ContributionDetailView(PermissionRequiredMixin, DetailView):
    model = Contribution
    selector = staticmethod(selectors.contribution_rows)
    template_name = "engagement/contribution_detail.html"


class ContributionCreateView(DataServiceMixin, ServiceCreateView):
    model = Contribution
    form_class = ContributionForm
    service = staticmethod(services.contribution_create)
    data_class = services.ContributionData
    extra_context = {"title": _("Record a contribution")}


class ContributionUpdateView(DataServiceMixin, ServiceUpdateView):
    model = Contribution
    form_class = ContributionForm
    service = staticmethod(services.contribution_update)
    data_class = services.ContributionData
    extra_context = {"title": _("Edit contribution")}
