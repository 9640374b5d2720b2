"""Instructor management pages: the assignments and each person's workload
(lists with export), assigning one person to many organisations (from a
filtered organisation list or by picking), ending and handing over."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, TemplateView
from django_tables2 import SingleTableMixin

from accounts.mixins import PermissionRequiredMixin
from accounts.permissions import Action
from ui.forms import add_service_errors
from ui.pagination import DEFAULT_PAGE_SIZE, CappedPaginator
from ui.views import KeptPageMixin, SafeExportMixin, ScopedListView

from ..filters import SocialOrganizationFilter
from ..models import InstructorAssignment
from ..selectors import organization_rows
from . import selectors, services
from .filters import AssignmentFilter
from .forms import AssignForm, EndForm, HandOverForm
from .tables import AssignmentTable, WorkloadTable


class AssignmentListView(ScopedListView):
    model = InstructorAssignment
    selector = staticmethod(selectors.assignment_rows)
    table_class = AssignmentTable
    filterset_class = AssignmentFilter
    export_name = "instructor-assignments"
    template_name = "organizations/instructors/assignment_list.html"
    extra_context = {"title": _("Instructors and liaisons"), "create_url": "organizations:instructor-assign"}


class WorkloadView(PermissionRequiredMixin, KeptPageMixin, SafeExportMixin, SingleTableMixin, TemplateView):
    """One row per person: how many organisations each serves today."""

    model = InstructorAssignment
    table_class = WorkloadTable
    # Counted no further than the cap: the city has a row per person (200,000
    # at a million organisations), and the busiest 10,000 are what a page offers.
    table_pagination = {"per_page": DEFAULT_PAGE_SIZE, "paginator_class": CappedPaginator}
    export_name = "instructor-workload"
    template_name = "organizations/instructors/workload.html"
    extra_context = {"title": _("Instructors' workload")}

    def get_table_data(self):
        return selectors.workload_rows(user=self.request.user)


class AssignView(PermissionRequiredMixin, KeptPageMixin, FormView):
    """Assign one person to several organisations. Opened from the
    organisation list, it starts with the list's filtered organisations."""

    permission_model = InstructorAssignment
    permission_action = Action.ADD
    form_class = AssignForm
    template_name = "organizations/instructors/assign.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = super().get_initial()
        query = self.request.GET.copy()
        query.pop("page", None)
        if self.request.method != "GET" or not query:
            return initial
        assignable = selectors.assignable_organizations(user=self.request.user)
        if "organization" in query:
            # From an organisation's page: that one organisation.
            initial["organizations"] = list(
                assignable.filter(pk__in=query.getlist("organization")).values_list("pk", flat=True)[:1]
            )
        else:
            # The list's own filter over the list's own rows (its coverage filter reads their annotations).
            listed = organization_rows().filter(pk__in=assignable.values("pk"))
            rows = SocialOrganizationFilter(query, queryset=listed, request=self.request).qs.order_by("name", "pk")
            chosen = list(rows.values_list("pk", flat=True)[: services.MAX_AT_ONCE + 1])
            self.too_many = len(chosen) > services.MAX_AT_ONCE
            initial["organizations"] = chosen[: services.MAX_AT_ONCE]
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Assign an instructor or liaison"),
            too_many=getattr(self, "too_many", False),
            limit=services.MAX_AT_ONCE,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            created = services.instructors_assign(
                actor=self.request.user,
                organizations=form.cleaned_data["organizations"],
                person=form.person(),
                started_on=form.cleaned_data["started_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("%(person)s assigned to %(count)s organisations.")
            % {"person": form.cleaned_data["person_name"], "count": len(created)},
        )
        query = f"?state=serving&q={created[0].phone or created[0].person_name}"
        return HttpResponseRedirect(reverse("organizations:instructor-list") + query)


class AssignmentDetailView(PermissionRequiredMixin, DetailView):
    model = InstructorAssignment
    selector = staticmethod(selectors.assignment_rows)
    template_name = "organizations/instructors/assignment_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("end_form", EndForm())
        context.setdefault("hand_over_form", HandOverForm())
        return context


class _AssignmentChangeView(AssignmentDetailView):
    permission_action = Action.CHANGE
    http_method_names = ["get", "post"]

    def get(self, *args, **kwargs):
        # The forms live on the assignment's page.
        return HttpResponseRedirect(self.get_object().get_absolute_url())


class AssignmentEndView(_AssignmentChangeView):
    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = EndForm(request.POST)
        if form.is_valid():
            try:
                services.assignment_end(actor=request.user, assignment=self.object, on=form.cleaned_data["ended_on"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("The assignment has ended."))
                return HttpResponseRedirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(end_form=form))


class AssignmentHandOverView(_AssignmentChangeView):
    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = HandOverForm(request.POST)
        if form.is_valid():
            try:
                successor = services.assignment_hand_over(
                    actor=request.user, assignment=self.object, person=form.person(), on=form.cleaned_data["started_on"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("%(person)s has taken over.") % {"person": successor.person_name})
                return HttpResponseRedirect(successor.get_absolute_url())
        return self.render_to_response(self.get_context_data(hand_over_form=form))
