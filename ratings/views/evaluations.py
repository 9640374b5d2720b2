"""Evaluation pages: the list, one evaluation with its history and the moves
the user may make, its scores form, and the form for each move."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView

from accounts.mixins import PermissionRequiredMixin
from ratings import selectors, services, workflow
from ratings.filters import EvaluationFilter
from ratings.forms import (
    EmptyForm,
    EvaluationScoresForm,
    ProvinceDateForm,
    ProvinceResultForm,
    ReturnForm,
    points_field_name,
)
from ratings.models import Evaluation
from ratings.tables import EvaluationTable
from ratings.workflow import Action
from ui.views import ScopedListView

from .common import ObjectFormMixin, add_service_errors


class OneRoundListMixin:
    """A list of one round's evaluations: the round `?round=` names (the
    latest without one), read once and handed to the filters."""

    def get_rounds(self) -> list:
        if not hasattr(self, "_rounds"):
            # Every round (one a year) in one query: the choice, and the one asked for.
            self._rounds = list(selectors.rounds_with_previous())
        return self._rounds

    def get_round(self):
        asked = self.request.GET.get("round")
        if not asked:
            return next(iter(self.get_rounds()), None)
        return next((r for r in self.get_rounds() if str(r.year) == asked), None)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        return {**kwargs, "round_": self.get_round(), "rounds": self.get_rounds()}


class EvaluationListView(OneRoundListMixin, ScopedListView):
    model = Evaluation
    table_class = EvaluationTable
    filterset_class = EvaluationFilter
    export_name = "evaluations"
    template_name = "ratings/evaluation_list.html"
    extra_context = {"title": _("Star ratings")}

    def get_base_queryset(self):
        round_ = self.get_round()
        return selectors.evaluation_rows(round_) if round_ is not None else Evaluation.objects.none()

    def get_bulk_actions(self) -> list[str]:
        if not hasattr(self, "_bulk_actions"):
            # A closed round takes no moves: no bar over rows that could have no box.
            round_ = self.get_round()
            open_ = round_ is not None and round_.is_open
            self._bulk_actions = workflow.bulk_actions(self.request.user) if open_ else []
        return self._bulk_actions

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "selectable": bool(self.get_bulk_actions())}

    def get_context_data(self, **kwargs):
        return super().get_context_data(bulk_actions=self.get_bulk_actions(), **kwargs)


class EvaluationDetailView(PermissionRequiredMixin, DetailView):
    model = Evaluation
    selector = staticmethod(selectors.evaluation_detail)
    template_name = "ratings/evaluation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        evaluation = self.object
        names = {item.code: item.name for item in evaluation.round.items.all()}
        history = [
            {
                "event": event,
                "changes": [(names.get(code, code), before, after) for code, (before, after) in event.changes.items()],
            }
            for event in evaluation.events.all()
        ]
        actions = workflow.available_actions(self.request.user, evaluation.state) if evaluation.round.is_open else []
        context.update(
            title=str(evaluation),
            scores=sorted(evaluation.scores.all(), key=lambda s: (s.item.sort_order, s.item.code)),
            history=history,
            can_edit=Action.EDIT in actions,
            actions=[
                {
                    "name": action,
                    "label": Action(action).label,
                    "needs_input": ACTION_FORMS.get(action, EmptyForm) is not EmptyForm,
                }
                for action in actions
                if action != Action.EDIT
            ],
            movement_label=selectors.Movement(evaluation.movement).label,
        )
        return context


class EvaluationScoresView(PermissionRequiredMixin, ObjectFormMixin, FormView):
    """Change one evaluation's scores and evidence."""

    model = Evaluation
    permission_action = Action.EDIT
    form_class = EvaluationScoresForm
    template_name = "form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["items"] = list(self.object.round.items.all())
        if self.request.method == "GET":
            points = {s.item_id: s.points for s in self.object.scores.all()}
            kwargs["initial"] = {
                **{points_field_name(item): points.get(item.pk) for item in kwargs["items"]},
                "evidence": self.object.evidence,
            }
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Edit scores"), **kwargs)

    def form_valid(self, form):
        try:
            services.evaluation_score(
                actor=self.request.user,
                round_=self.object.round,
                party_organization=self.object.party_organization,
                points=form.points(),
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())


ACTION_FORMS = {
    Action.SUBMIT: EmptyForm,
    Action.RETURN: ReturnForm,
    Action.APPROVE: EmptyForm,
    Action.SEND_TO_PROVINCE: ProvinceDateForm,
    Action.CERTIFY: ProvinceResultForm,
    Action.NOT_CERTIFY: ProvinceResultForm,
}


def run_action(action: str, actor, evaluation: Evaluation, data: dict) -> Evaluation:
    if action == Action.SUBMIT:
        return services.evaluation_submit(actor=actor, evaluation=evaluation)
    if action == Action.RETURN:
        return services.evaluation_return(actor=actor, evaluation=evaluation, reason=data["reason"])
    if action == Action.APPROVE:
        return services.evaluation_approve(actor=actor, evaluation=evaluation)
    if action == Action.SEND_TO_PROVINCE:
        return services.evaluation_send_to_province(actor=actor, evaluation=evaluation, on=data["on"])
    return services.evaluation_certify(
        actor=actor, evaluation=evaluation, certified=action == Action.CERTIFY, on=data["on"], note=data["note"]
    )


class EvaluationTransitionView(PermissionRequiredMixin, ObjectFormMixin, FormView):
    """Move an evaluation on: the form asks for what the action needs (a reason, a date)."""

    model = Evaluation
    template_name = "form.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["action"] not in ACTION_FORMS:
            raise Http404
        self.action = kwargs["action"]
        return super().dispatch(request, *args, **kwargs)

    def get_permission_action(self) -> str:
        return self.action

    def get_form_class(self):
        return ACTION_FORMS[self.action]

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=Action(self.action).label, **kwargs)

    def form_valid(self, form):
        try:
            run_action(self.action, self.request.user, self.object, form.cleaned_data)
        except ValidationError as exc:
            if self.get_form_class() is EmptyForm:
                # Nothing to correct on a form without fields: say why on the record's page.
                for message in exc.messages:
                    messages.error(self.request, message)
                return HttpResponseRedirect(self.object.get_absolute_url())
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, gettext("%(action)s: done.") % {"action": Action(self.action).label})
        return HttpResponseRedirect(self.object.get_absolute_url())
