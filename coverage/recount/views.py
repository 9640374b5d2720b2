from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin

from accounts.mixins import PermissionRequiredMixin
from accounts.permissions import Action
from coverage.models import Period, Snapshot
from organizations.models import Area
from organizations.selectors import organization_rows
from organizations.tables import SocialOrganizationTable
from ui.views import PeriodFromRequestMixin, SafeExportMixin

from . import selectors, services
from .tables import OverviewTable, TrendTable


class OverviewView(LoginRequiredMixin, PeriodFromRequestMixin, SafeExportMixin, SingleTableMixin, TemplateView):
    """Coverage by area (or supervising unit) for one half-year, from snapshots."""

    template_name = "coverage/overview.html"
    table_class = OverviewTable
    table_pagination = False
    export_name = "coverage-overview"
    period_resolver = staticmethod(selectors.period_or_latest)

    def get_scope(self) -> str:
        by = self.request.GET.get("by")
        return Snapshot.Scope.SUPERVISING_UNIT if by == "unit" else Snapshot.Scope.AREA

    def get_table_data(self):
        period = self.get_period()
        if period is None:
            return Snapshot.objects.none()
        return selectors.overview_rows(period=period, scope=self.get_scope()).for_user(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.get_period()
        context.update(
            period=period,
            periods=selectors.periods_with_snapshots(),
            by=self.request.GET.get("by", "area"),
            title=_("Coverage overview"),
            **selectors.recount_state(period=period),
        )
        return context


class AreaDetailView(LoginRequiredMixin, SingleTableMixin, TemplateView):
    """One area: its trend across half-years and its organisations that need attention."""

    template_name = "coverage/area_detail.html"
    table_class = SocialOrganizationTable
    table_pagination = {"per_page": 25}

    def get_area(self) -> Area:
        if not hasattr(self, "_area"):
            areas = Area.objects.for_user(self.request.user).registration_areas()
            self._area = get_object_or_404(areas, code=self.kwargs["code"])
        return self._area

    def get_table_data(self):
        area = self.get_area()
        return (
            organization_rows()
            .for_user(self.request.user)
            .filter(area__path__startswith=area.path, status="active")
            .filter(Q(coverage_state="uncovered") | Q(must_establish_not_established=True))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = self.get_area()
        # Snapshot scope: an industry committee gets no area totals (they mix industries).
        trend = list(selectors.area_trend(area_id=area.pk).for_user(self.request.user))
        context.update(
            area=area,
            title=area.name,
            trend_table=TrendTable(trend),
            trend=trend,
        )
        return context


class RecountView(PermissionRequiredMixin, View):
    """The organisation department starts a recount; the job runs on a worker (or in-process)."""

    permission_model = Period
    permission_action = Action.RECOUNT

    def post(self, request):
        code = request.POST.get("period", "")
        try:
            run = services.recount_enqueue(period=code, actor=request.user)
        except ValueError:
            raise Http404 from None
        messages.info(request, gettext("Recount of %(period)s queued.") % {"period": run.period.code})
        return HttpResponseRedirect(reverse("coverage:overview") + f"?period={run.period.code}")
