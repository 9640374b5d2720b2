from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin

from accounts.mixins import PermissionRequiredMixin
from accounts.permissions import Action, can
from coverage.models import Period, RecountRun, Snapshot
from organizations.models import Area, CoverageState, SocialOrganization
from organizations.selectors import organization_rows
from organizations.tables import SocialOrganizationTable
from ui.formatting import format_percent
from ui.pagination import DEFAULT_PAGE_SIZE, CappedPaginator
from ui.views import KeptPageMixin, PeriodFromRequestMixin, SafeExportMixin
from xian_partybuild import clock

from . import selectors, services
from .periods import HalfYear
from .tables import OverviewTable, TrendTable


class OverviewView(
    LoginRequiredMixin,
    KeptPageMixin,
    PeriodFromRequestMixin,
    SafeExportMixin,
    SingleTableMixin,
    TemplateView,
):
    """Coverage by area (or supervising unit) for one half-year, from snapshots."""

    template_name = "coverage/overview.html"
    table_class = OverviewTable
    table_pagination = False
    export_name = "coverage-overview"

    def get_period(self):
        # The half-year selector's list and the half-year shown: one query.
        if not hasattr(self, "_period"):
            self.periods = list(selectors.periods_with_snapshots())
            self._period = selectors.choose_period(self.periods, self.request.GET.get("period"))
        return self._period

    def get_scope(self) -> str:
        by = self.request.GET.get("by")
        return Snapshot.Scope.SUPERVISING_UNIT if by == "unit" else Snapshot.Scope.AREA

    def get_breakdown_unit(self) -> int | None:
        """An industry committee's own unit, which its overview breaks down by
        district unless it asks for rows by unit: its organisations have no
        area rows of their own (an area row mixes every industry)."""
        user = self.request.user
        if user.role == user.Role.INDUSTRY and user.supervising_unit_id and self.request.GET.get("by") != "unit":
            return user.supervising_unit_id
        return None

    def get_breakdown_area(self) -> Area | None:
        """The district broken down by sub-district: the one asked for
        (?within=<code>, one the user may see), else a district official's own
        unless they ask for rows by unit."""
        if not hasattr(self, "_breakdown_area"):
            self._breakdown_area = self._find_breakdown_area()
        return self._breakdown_area

    def _find_breakdown_area(self) -> Area | None:
        if self.get_breakdown_unit() is not None:
            return None
        user = self.request.user
        code = self.request.GET.get("within")
        if code and self.request.GET.get("by") != "unit":
            districts = Area.objects.for_user(user).registration_areas().exclude(level=Area.Level.CITY)
            return get_object_or_404(districts, code=code)
        if user.role == user.Role.DISTRICT and user.area_id and self.request.GET.get("by") != "unit":
            return user.area if user.area.level in Area.REGISTRATION_LEVELS[1:] else None
        return None

    def get_table_data(self):
        period = self.get_period()
        if period is None:
            return Snapshot.objects.none()
        unit = self.get_breakdown_unit()
        area = self.get_breakdown_area()
        if unit is not None:
            rows = selectors.unit_breakdown_rows(period=period, unit_id=unit)
        elif area is not None:
            rows = selectors.subdistrict_breakdown_rows(period=period, area=area)
        else:
            rows = selectors.overview_rows(period=period, scope=self.get_scope())
        return rows.for_user(self.request.user)

    def get_table_kwargs(self):
        period = self.get_period()
        if period is None:
            empty = _("No half-year has been recounted yet, so there are no figures to show.")
        else:
            empty = _("No social organisation in your scope was counted in %(period)s.") % {"period": period.code}
        if self.get_breakdown_unit() is not None:
            rows_are = OverviewTable.UNIT_BY_DISTRICT
        elif self.get_breakdown_area() is not None:
            rows_are = OverviewTable.SUBDISTRICTS
        elif self.get_scope() == Snapshot.Scope.SUPERVISING_UNIT:
            rows_are = OverviewTable.UNITS
        else:
            rows_are = OverviewTable.AREAS
        return {**super().get_table_kwargs(), "rows_are": rows_are, "empty_text": empty}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.get_period()
        periods = self.periods
        context.update(
            period=period,
            periods=periods,
            by=self.request.GET.get("by", "area"),
            within=self.get_breakdown_area(),
            title=_("Coverage overview"),
            **selectors.recount_state(period=period),
        )
        if can(self.request.user, Action.RECOUNT, Period):
            context.update(
                recount_choices=selectors.recount_choices(recounted=periods),
                current_half=HalfYear.containing(clock.today()).code,
                recount_status=run_status(context["latest_run"]),
            )
        return context


class AreaDetailView(LoginRequiredMixin, KeptPageMixin, SingleTableMixin, TemplateView):
    """One area: its trend across half-years and its organisations that need attention."""

    template_name = "coverage/area_detail.html"
    table_class = SocialOrganizationTable
    # Capped like every list: the count stops at 10,001 keys, pages go no deeper.
    table_pagination = {"per_page": DEFAULT_PAGE_SIZE, "paginator_class": CappedPaginator}

    def get_area(self) -> Area:
        if not hasattr(self, "_area"):
            areas = Area.objects.for_user(self.request.user).registration_areas()
            self._area = get_object_or_404(areas, code=self.kwargs["code"])
        return self._area

    def get_table_data(self):
        area = self.get_area()
        # Today's coverage is stored on each organisation (organizations.coverage_state):
        # needing attention is a filter on indexed columns of the area's
        # organisations, and the table reads one page of them. The subtree's
        # area ids are read first (a few rows) so that the index is entered by
        # area rather than read for the whole city.
        subtree = list(Area.objects.filter(path__startswith=area.path).values_list("pk", flat=True))
        return (
            organization_rows()
            .for_user(self.request.user)
            .filter(area_id__in=subtree, status=SocialOrganization.Status.ACTIVE)
            .filter(Q(current_coverage=CoverageState.UNCOVERED) | Q(current_must_establish_gap=True))
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


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else ""


def run_status(run: RecountRun | None) -> dict[str, Any] | None:
    """What the status line says about a recount job (a run from
    selectors.recount_runs()): the page renders it and recount.js polls it."""
    if run is None:
        return None
    code = run.period.code
    status = {
        "id": run.pk,
        "period": code,
        "status": run.status,
        "label": run.get_status_display(),
        "done": run.status not in services.LIVE,
        "url": reverse("coverage:overview") + f"?period={code}",
        "figures": None,
        "error": "",
    }
    context = {"period": code, "when": _when(run.finished_at or run.started_at)}
    if run.status == RecountRun.Status.QUEUED:
        text = gettext("Recount of %(period)s queued at %(when)s; waiting for a worker.") % context
    elif run.status == RecountRun.Status.RUNNING:
        text = gettext("Recounting %(period)s (started %(when)s)…") % context
    elif run.status == RecountRun.Status.FAILED:
        status["error"] = run.error
        # A known cause in words (the queue unreachable, the worker lost); an error's own text otherwise.
        known = run.failure and run.failure != RecountRun.Failure.ERROR
        text = gettext("Recount of %(period)s failed (%(when)s); the previous figures are kept. Reason: %(error)s") % {
            **context,
            "error": run.get_failure_display() if known else (run.error or "—"),
        }
    else:
        figures = {
            "organizations": run.city_organizations,
            "party_organizations": run.city_party_organizations,
            "org_coverage_rate": format_percent(run.city_org_coverage_rate),
            "work_coverage_rate": format_percent(run.city_work_coverage_rate),
            "snapshot_count": run.snapshot_count,
            "frozen_kept": run.frozen_kept,
        }
        status["figures"] = figures
        text = gettext(
            "Recount of %(period)s done (%(when)s): %(organizations)s social organisations, "
            "%(party_organizations)s party organisations, organisational coverage %(org_coverage_rate)s, "
            "work coverage %(work_coverage_rate)s; %(snapshot_count)s snapshot rows written."
        ) % {
            **context,
            **figures,
            "organizations": formats.number_format(figures["organizations"] or 0, force_grouping=True),
            "party_organizations": formats.number_format(figures["party_organizations"] or 0, force_grouping=True),
        }
        if run.frozen_kept:
            # Each added sentence carries its own leading space (none in Chinese).
            text += gettext(" %(frozen_kept)s rows frozen by accepted ledgers kept their figures.") % {
                "frozen_kept": run.frozen_kept
            }
        today = clock.today()
        if run.period.start <= today <= run.period.end:
            text += gettext(" The early-warning scan as of %(today)s follows.") % {
                "today": formats.date_format(today, "SHORT_DATE_FORMAT")
            }
    status["text"] = text
    return status


class RecountView(PermissionRequiredMixin, View):
    """The organisation department starts a recount and comes straight back
    to the overview, whose status line follows the job (queued, running,
    done with the city figures, failed with the reason)."""

    permission_model = Period
    permission_action = Action.RECOUNT

    def get(self, *args, **kwargs):
        # The button lives on the overview; an address typed or bookmarked leads there
        # rather than to an empty 405 that browsers show as their own error page.
        return HttpResponseRedirect(reverse("coverage:overview"))

    def post(self, request):
        try:
            half = HalfYear.parse(request.POST.get("period", ""))
        except ValueError:
            raise Http404 from None
        context = {"period": half.code}
        back = HttpResponseRedirect(reverse("coverage:overview") + f"?period={half.code}")
        try:
            run = services.recount_enqueue(period=half, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(reverse("coverage:overview"))
        except services.RecountAlreadyRunning:
            messages.warning(
                request,
                gettext(
                    "A recount of %(period)s is already queued or running; its progress is shown below. "
                    "Start another once it has finished."
                )
                % context,
            )
            return back
        # Without a broker the job has already run by now.
        # With one, it is queued, or the broker refused it (the run says so).
        run.refresh_from_db(fields=["status", "failure"])
        if run.status == RecountRun.Status.SUCCEEDED:
            messages.success(request, gettext("Recount of %(period)s finished.") % context)
        elif run.failure == RecountRun.Failure.BROKER:
            messages.error(
                request,
                gettext(
                    "Recount of %(period)s could not be queued: the task queue cannot be reached. "
                    "The previous figures are kept; try again later or tell the system administrator."
                )
                % context,
            )
        elif run.status == RecountRun.Status.FAILED:
            messages.error(request, gettext("Recount of %(period)s failed; the previous figures are kept.") % context)
        else:
            messages.info(request, gettext("Recount of %(period)s queued; its progress is shown below.") % context)
        return back


class RecountStatusView(PermissionRequiredMixin, View):
    """One recount job's state as JSON, for the status line on the overview."""

    permission_model = Period
    permission_action = Action.RECOUNT

    def get(self, *args, **kwargs):
        run = get_object_or_404(selectors.recount_runs(), pk=self.kwargs["pk"])
        return JsonResponse(run_status(run), json_dumps_params={"ensure_ascii": False})
