"""The bulk review: the evaluations ticked in the list or the entry table,
approved or returned with one reason, in one step; back to the same page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.mixins import PermissionRequiredMixin
from ratings import services
from ratings.models import Evaluation
from ratings.workflow import BULK_ACTIONS, Action

DONE = {
    Action.APPROVE: _("Approved %(count)s evaluations."),
    Action.RETURN: _("Returned %(count)s evaluations."),
}


class EvaluationBulkReviewView(PermissionRequiredMixin, View):
    """POST `action` (approve or return), the ticked `evaluation` keys, a
    `reason` for a return and `next`, the page to go back to.

    The role is the mixin's (403 for a district, an industry committee or
    leadership, whatever is ticked); the keys are looked up in the user's
    scope only, and one outside it (or none such) answers 404 before
    anything is touched. The service decides the rest, all or nothing."""

    permission_model = Evaluation

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            # The buttons live on the list; an address typed or bookmarked leads
            # there rather than to an empty 405 that browsers draw as their own page.
            return HttpResponseRedirect(reverse("ratings:evaluation-list"))
        self.action = request.POST.get("action", "")
        if self.action not in BULK_ACTIONS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_permission_action(self) -> str:
        return self.action

    def back(self) -> HttpResponseRedirect:
        """The filtered page the selection was made on (one of this site's own addresses)."""
        target = self.request.POST.get("next", "")
        safe = target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        return HttpResponseRedirect(target if safe else reverse("ratings:evaluation-list"))

    def post(self, request, *args, **kwargs):
        try:
            keys = {int(key) for key in request.POST.getlist("evaluation")}
        except ValueError:
            raise Http404 from None
        if len(keys) > services.MAX_BATCH:
            # Said before the keys are looked up: a hand-made request names any number.
            messages.error(request, _("Select at most %(max)s evaluations at a time.") % {"max": services.MAX_BATCH})
            return self.back()
        evaluations = list(Evaluation.objects.for_user(request.user).filter(pk__in=keys)) if keys else []
        if len(evaluations) != len(keys):
            raise Http404
        try:
            done = services.evaluation_bulk_review(
                actor=request.user,
                evaluations=evaluations,
                action=self.action,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return self.back()
        messages.success(request, DONE[self.action] % {"count": len(done)})
        return self.back()
