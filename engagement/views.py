from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from accounts.mixins import PermissionRequiredMixin
from ui.views import ScopedListView, ServiceCreateView, ServiceUpdateView

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


class IndexView(LoginRequiredMixin, TemplateView):
    template_name = "engagement/index.html"
    extra_context = {"title": _("Training, pilots and contributions")}

    def get_context_data(self, **kwargs):
        summary = selectors.engagement_summary(self.request.user)
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


class TrainingBaseCreateView(ServiceCreateView):
    model = TrainingBase
    form_class = TrainingBaseForm
    extra_context = {"title": _("New training base")}

    def run_service(self, data):
        return services.training_base_create(actor=self.request.user, **data), []


class TrainingBaseUpdateView(ServiceUpdateView):
    model = TrainingBase
    form_class = TrainingBaseForm
    extra_context = {"title": _("Edit training base")}

    def run_service(self, data):
        return services.training_base_update(actor=self.request.user, training_base=self.object, **data), []


class TrainingSessionListView(ScopedListView):
    model = TrainingSession
    selector = staticmethod(selectors.training_session_rows)
    table_class = TrainingSessionTable
    filterset_class = TrainingSessionFilter
    export_name = "training-sessions"
    extra_context = {"title": _("Training sessions"), "create_url": "engagement:session-create"}


class TrainingSessionCreateView(ServiceCreateView):
    model = TrainingSession
    form_class = TrainingSessionForm
    extra_context = {"title": _("New training session")}

    def get_initial(self):
        # "Add a session" on a base's page names the base.
        return {**super().get_initial(), "base": self.request.GET.get("base")}

    def run_service(self, data):
        return services.training_session_create(actor=self.request.user, **data), []


class TrainingSessionUpdateView(ServiceUpdateView):
    model = TrainingSession
    form_class = TrainingSessionForm
    extra_context = {"title": _("Edit training session")}

    def run_service(self, data):
        return services.training_session_update(actor=self.request.user, training_session=self.object, **data), []


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


class PilotCommunityCreateView(ServiceCreateView):
    model = PilotCommunity
    form_class = PilotCommunityForm
    extra_context = {"title": _("New pilot community")}

    def run_service(self, data):
        return services.pilot_community_create(actor=self.request.user, **data), []


class PilotCommunityUpdateView(ServiceUpdateView):
    model = PilotCommunity
    form_class = PilotCommunityForm
    extra_context = {"title": _("Edit pilot community")}

    def run_service(self, data):
        return services.pilot_community_update(actor=self.request.user, pilot_community=self.object, **data), []


class PilotAssignmentListView(ScopedListView):
    model = PilotAssignment
    selector = staticmethod(selectors.pilot_assignment_rows)
    table_class = PilotAssignmentTable
    filterset_class = PilotAssignmentFilter
    export_name = "pilot-organisations"
    extra_context = {"title": _("Pilot organisations"), "create_url": "engagement:assignment-create"}


class PilotAssignmentCreateView(ServiceCreateView):
    model = PilotAssignment
    form_class = PilotAssignmentForm
    extra_context = {"title": _("Assign an organisation to a pilot community")}

    def get_initial(self):
        return {**super().get_initial(), "community": self.request.GET.get("community")}

    def run_service(self, data):
        return services.pilot_assignment_create(actor=self.request.user, **data), []


class PilotAssignmentUpdateView(ServiceUpdateView):
    model = PilotAssignment
    form_class = PilotAssignmentForm
    extra_context = {"title": _("Edit pilot organisation")}

    def run_service(self, data):
        return services.pilot_assignment_update(actor=self.request.user, pilot_assignment=self.object, **data), []


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


class PlaqueAwardCreateView(ServiceCreateView):
    model = PlaqueAward
    form_class = PlaqueAwardForm
    extra_context = {"title": _("Record a plaque award")}

    def get_initial(self):
        return {**super().get_initial(), "community": self.request.GET.get("community")}

    def run_service(self, data):
        return services.plaque_award_create(actor=self.request.user, **data), []


class PlaqueAwardUpdateView(ServiceUpdateView):
    model = PlaqueAward
    form_class = PlaqueAwardForm
    extra_context = {"title": _("Edit plaque award")}

    def run_service(self, data):
        return services.plaque_award_update(actor=self.request.user, plaque_award=self.object, **data), []


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


class ContributionCreateView(ServiceCreateView):
    model = Contribution
    form_class = ContributionForm
    extra_context = {"title": _("Record a contribution")}

    def run_service(self, data):
        return services.contribution_create(actor=self.request.user, **data), []


class ContributionUpdateView(ServiceUpdateView):
    model = Contribution
    form_class = ContributionForm
    extra_context = {"title": _("Edit contribution")}

    def run_service(self, data):
        return services.contribution_update(actor=self.request.user, contribution=self.object, **data), []
