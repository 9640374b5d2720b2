"""The early-warning pages: the list, one warning, and its rectification.

PermissionRequiredMixin applies the permission rule, so another district's (or
industry's) warning is simply absent: 404 on its page and on its form; a role
that may not rectify gets no form and a 403 on posting one.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from accounts.mixins import PermissionRequiredMixin
from accounts.permissions import Action, can
from coverage.models import EarlyWarning
from coverage.recount.periods import half_year_or_none
from ui.forms import add_service_errors
from ui.views import AsOfListMixin, ScopedListView

from . import rules, selectors, services
from .filters import EarlyWarningFilter
from .forms import WarningRectifyForm
from .tables import EarlyWarningTable


class WarningListView(AsOfListMixin, ScopedListView):
    model = EarlyWarning
    selector = staticmethod(selectors.warning_rows)
    # ?period=2020H1: the warnings open at that half-year's end (the current ones for the current half-year).
    period_resolver = staticmethod(half_year_or_none)
    as_of_selector = staticmethod(selectors.warnings_open_on)
    table_class = EarlyWarningTable
    filterset_class = EarlyWarningFilter
    export_name = "early-warnings"
    extra_context = {"title": _("Early warnings")}


class WarningDetailView(PermissionRequiredMixin, DetailView):
    model = EarlyWarning
    selector = staticmethod(selectors.warning_detail)
    template_name = "coverage/warnings/warning_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rule_description"] = rules.RULE_DESCRIPTIONS[self.object.rule]
        context["record"] = self.object.party_organization or self.object.organization
        if "form" not in context and can(self.request.user, Action.RECTIFY, self.object):
            context["form"] = WarningRectifyForm(
                initial={
                    "note": self.object.rectification_note,
                    "started_on": self.object.rectification_started_on,
                    "due_on": self.object.rectification_due_on,
                }
            )
        return context


class WarningRectifyView(WarningDetailView):
    """Saves the form shown on the warning page; a GET (an address typed or
    bookmarked) leads back to that page. Leadership get 403."""

    permission_action = Action.RECTIFY

    def get(self, *args, **kwargs):
        self.object = self.get_object()
        return HttpResponseRedirect(reverse("coverage:warning-detail", kwargs={"pk": self.object.pk}))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = WarningRectifyForm(request.POST)
        if form.is_valid():
            try:
                services.warning_rectify(actor=request.user, warning=self.object, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("Rectification recorded."))
                return HttpResponseRedirect(reverse("coverage:warning-detail", kwargs={"pk": self.object.pk}))
        return self.render_to_response(self.get_context_data(form=form))
