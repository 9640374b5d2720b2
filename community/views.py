from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, RedirectView, TemplateView

from accounts.mixins import PermissionRequiredMixin
from engagement.models import PilotCommunity
from engagement.views import DataServiceMixin
from organizations.models import Area
from ui.views import KeptPageMixin, ScopedListView, ServiceCreateView, ServiceUpdateView

from . import selectors, services
from .filters import IncubatedOrganizationFilter, NeedFilter, ProjectFilter, ServiceItemFilter
from .forms import IncubatedOrganizationForm, NeedForm, ProjectForm, ServiceItemForm
from .models import IncubatedOrganization, Need, Project, ServiceItem
from .tables import IncubatedOrganizationTable, NeedTable, ProjectTable, ServiceItemTable


class IndexView(RedirectView):
    pattern_name = "community:district"


# --------------------------------------------------------------------------
# The community page and the district page
# --------------------------------------------------------------------------


class PilotPageView(PermissionRequiredMixin, DetailView):
    """One pilot community: its needs met and unmet, its projects, what the
    organisations serving it offer, the organisations incubated there."""

    model = PilotCommunity
    selector = staticmethod(selectors.pilot_pages)
    selector_takes_user = True
    template_name = "community/pilot_page.html"

    def get_context_data(self, **kwargs):
        page = selectors.community_page(self.object, user=self.request.user)
        return {**super().get_context_data(**kwargs), "page": page, "figures": page.figures}


class DistrictView(PermissionRequiredMixin, KeptPageMixin, TemplateView):
    """The matching rate (met needs / needs) and unmet needs by category for
    the user's scope: a district official's communities, or the city's
    districts with a row each (?district= opens one district's communities)."""

    permission_model = Need
    template_name = "community/district.html"

    def get_district(self) -> Area | None:
        user = self.request.user
        if not user.is_citywide:
            return user.area if user.role == user.Role.DISTRICT else None
        code = self.request.GET.get("district")
        if not code:
            return None
        area = Area.objects.filter(code=code, level__in=Area.REGISTRATION_LEVELS).exclude(level=Area.Level.CITY).first()
        if area is None:
            raise Http404
        return area

    def get_context_data(self, **kwargs):
        user = self.request.user
        needs = Need.objects.for_user(user)
        district = self.get_district()
        if district is not None:
            needs = needs.filter(community__community__path__startswith=district.path)
        context = {**super().get_context_data(**kwargs), "district": district}
        context["summary"] = selectors.matching_summary(needs)
        if district is None and user.is_citywide:
            districts = list(
                Area.objects.filter(
                    level__in=(Area.Level.DISTRICT, Area.Level.COUNTY, Area.Level.ZONE),
                    pk__in=PilotCommunity.objects.values("community__parent__parent"),
                ).order_by("sort_order", "path")
            )
            context["district_rows"] = selectors.district_rows(needs, districts)
        else:
            pilots = selectors.pilot_pages(user=user).for_user(user)
            if district is not None:
                pilots = pilots.filter(community__path__startswith=district.path)
            context["community_rows"] = selectors.community_rows(needs, pilots)
        context["title"] = _("Community needs and services")
        return context


# --------------------------------------------------------------------------
# Needs
# --------------------------------------------------------------------------


class NeedListView(ScopedListView):
    model = Need
    selector = staticmethod(selectors.need_rows)
    table_class = NeedTable
    filterset_class = NeedFilter
    export_name = "community-needs"
    extra_context = {"title": _("Needs"), "create_url": "community:need-create"}


class NeedDetailView(PermissionRequiredMixin, DetailView):
    model = Need
    selector = staticmethod(selectors.need_rows)
    template_name = "community/need_detail.html"


class NeedCreateView(DataServiceMixin, ServiceCreateView):
    model = Need
    form_class = NeedForm
    service = staticmethod(services.need_create)
    data_class = services.NeedData
    extra_context = {"title": _("Record a need")}

    def get_initial(self):
        # "Record a need" on a community's page names the community.
        return {**super().get_initial(), "community": self.request.GET.get("community")}


class NeedUpdateView(DataServiceMixin, ServiceUpdateView):
    model = Need
    form_class = NeedForm
    service = staticmethod(services.need_update)
    data_class = services.NeedData
    extra_context = {"title": _("Edit need")}


# --------------------------------------------------------------------------
# Service items
# --------------------------------------------------------------------------


class ServiceItemListView(ScopedListView):
    model = ServiceItem
    selector = staticmethod(selectors.service_item_rows)
    table_class = ServiceItemTable
    filterset_class = ServiceItemFilter
    export_name = "community-service-items"
    extra_context = {"title": _("Service items"), "create_url": "community:service-create"}


class ServiceItemDetailView(PermissionRequiredMixin, DetailView):
    model = ServiceItem
    selector = staticmethod(selectors.service_item_rows)
    template_name = "community/service_item_detail.html"


class ServiceItemCreateView(DataServiceMixin, ServiceCreateView):
    model = ServiceItem
    form_class = ServiceItemForm
    service = staticmethod(services.service_item_create)
    data_class = services.ServiceItemData
    extra_context = {"title": _("New service item")}


class ServiceItemUpdateView(DataServiceMixin, ServiceUpdateView):
    model = ServiceItem
    form_class = ServiceItemForm
    service = staticmethod(services.service_item_update)
    data_class = services.ServiceItemData
    extra_context = {"title": _("Edit service item")}


# --------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------


class ProjectListView(ScopedListView):
    model = Project
    selector = staticmethod(selectors.project_rows)
    table_class = ProjectTable
    filterset_class = ProjectFilter
    export_name = "community-projects"
    extra_context = {"title": _("Projects"), "create_url": "community:project-create"}


class ProjectCreateView(DataServiceMixin, ServiceCreateView):
    model = Project
    form_class = ProjectForm
    service = staticmethod(services.project_create)
    data_class = services.ProjectData
    extra_context = {"title": _("Match a need with a project")}

    def get_initial(self):
        initial = {**super().get_initial(), "need": self.request.GET.get("need")}
        need = Need.objects.for_user(self.request.user).filter(pk=initial["need"] or None).first()
        if need is not None:
            initial["name"] = f"{need.community.community.name}{need.get_category_display()}服务项目"
        return initial


class ProjectUpdateView(DataServiceMixin, ServiceUpdateView):
    model = Project
    form_class = ProjectForm
    service = staticmethod(services.project_update)
    data_class = services.ProjectData
    extra_context = {"title": _("Edit project")}


# --------------------------------------------------------------------------
# Incubated organisations
# --------------------------------------------------------------------------


class IncubatedOrganizationListView(ScopedListView):
    model = IncubatedOrganization
    selector = staticmethod(selectors.incubated_rows)
    table_class = IncubatedOrganizationTable
    filterset_class = IncubatedOrganizationFilter
    export_name = "community-incubated"
    extra_context = {"title": _("Incubated organisations"), "create_url": "community:incubated-create"}


class IncubatedOrganizationCreateView(DataServiceMixin, ServiceCreateView):
    model = IncubatedOrganization
    form_class = IncubatedOrganizationForm
    service = staticmethod(services.incubated_organization_create)
    data_class = services.IncubatedOrganizationData
    extra_context = {"title": _("New incubated organisation")}

    def get_initial(self):
        return {**super().get_initial(), "community": self.request.GET.get("community")}


class IncubatedOrganizationUpdateView(DataServiceMixin, ServiceUpdateView):
    model = IncubatedOrganization
    form_class = IncubatedOrganizationForm
    service = staticmethod(services.incubated_organization_update)
    data_class = services.IncubatedOrganizationData
    extra_context = {"title": _("Edit incubated organisation")}
