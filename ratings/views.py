"""Thin views: scope comes from the querysets, rules from the services, and
who may do what from workflow.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms import model_to_dict
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, TemplateView
from django.views.generic.detail import SingleObjectMixin
from django_tables2 import SingleTableMixin

from accounts.mixins import PermissionRequiredMixin
from accounts.permissions import Action as Perm
from organizations.models import Area, PartyOrganization
from ui.formatting import format_percent
from ui.forms import add_service_errors as shared_add_service_errors
from ui.views import SafeExportMixin, ScopedListView

from . import selectors, services, workflow
from .filters import EvaluationFilter, MoversFilter, PairingFilter
from .forms import (
    EmptyForm,
    EntryRowForm,
    EvaluationScoresForm,
    PairingCreateForm,
    PairingUpdateForm,
    ProvinceDateForm,
    ProvinceResultForm,
    ReturnForm,
    RoundCreateForm,
    RoundUpdateForm,
    points_field_name,
)
from .models import Evaluation, Pairing, Round
from .tables import EvaluationTable, PairingTable, RoundSummaryTable, RoundTable
from .workflow import Action


def add_service_errors(form, exc: ValidationError) -> None:
    """Scores come back keyed by item code; the form calls them points fields."""
    shared_add_service_errors(form, exc, field_for=lambda code: points_field_name_for(form, code))


def points_field_name_for(form, code: str) -> str | None:
    for item in getattr(form, "items", ()):
        if item.code == code:
            return points_field_name(item)
    return None


class RoundMixin:
    """The round named by the URL's year (404 when there is none)."""

    def get_round(self) -> Round:
        if not hasattr(self, "_round"):
            self._round = get_object_or_404(Round, year=self.kwargs["year"])
        return self._round


# --------------------------------------------------------------------------
# Evaluations
# --------------------------------------------------------------------------


class EvaluationListView(ScopedListView):
    model = Evaluation
    selector = staticmethod(selectors.evaluation_rows)
    table_class = EvaluationTable
    filterset_class = EvaluationFilter
    export_name = "evaluations"
    template_name = "ratings/evaluation_list.html"
    extra_context = {"title": _("Star ratings")}


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


class ObjectFormMixin(SingleObjectMixin):
    """Load the (scoped) object after the permission checks, before the form."""

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)


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


# --------------------------------------------------------------------------
# Rounds
# --------------------------------------------------------------------------


class RoundListView(LoginRequiredMixin, SingleTableMixin, TemplateView):
    template_name = "ratings/round_list.html"
    table_class = RoundTable
    table_pagination = False

    def get_table_data(self):
        counts = (
            Evaluation.objects.for_user(self.request.user)
            .filter(round=OuterRef("pk"))
            .order_by()
            .values("round")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Round.objects.annotate(
            evaluation_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
        ).order_by("-year")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Rating rounds"), **kwargs)


class RoundCreateView(PermissionRequiredMixin, FormView):
    permission_model = Round
    permission_action = Perm.ADD
    form_class = RoundCreateForm
    template_name = "form.html"
    extra_context = {"title": _("Open a rating round")}

    def form_valid(self, form):
        try:
            round_ = services.round_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, gettext("The %(year)s round is open.") % {"year": round_.year})
        return HttpResponseRedirect(round_.get_absolute_url())


class RoundUpdateView(PermissionRequiredMixin, RoundMixin, FormView):
    permission_model = Round
    permission_action = Perm.MANAGE
    form_class = RoundUpdateForm
    template_name = "form.html"
    extra_context = {"title": _("Edit rating round")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_round()}

    def form_valid(self, form):
        round_ = services.round_update(
            actor=self.request.user,
            round_=self.get_round(),
            province_five_star_total=form.cleaned_data["province_five_star_total"],
            status=form.cleaned_data["status"],
        )
        messages.success(self.request, gettext("Saved."))
        return HttpResponseRedirect(round_.get_absolute_url())


class RoundSummaryView(LoginRequiredMixin, RoundMixin, SafeExportMixin, SingleTableMixin, TemplateView):
    """The round's figures for the user's scope, with the same counts by area."""

    template_name = "ratings/round_summary.html"
    table_class = RoundSummaryTable
    table_pagination = False

    def get_export_filename(self, export_format):
        return f"ratings-{self.get_round().year}.{export_format}"

    def scoped(self):
        return Evaluation.objects.for_user(self.request.user)

    def get_table_data(self):
        return list(selectors.round_summary_by_area(self.get_round(), self.scoped()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_ = self.get_round()
        summary = selectors.round_summary(round_, self.scoped())
        context.update(
            round=round_,
            rounds=Round.objects.order_by("-year"),
            summary=summary,
            province_share=format_percent(summary["province_share"]),
            title=gettext("%(year)s star rating") % {"year": round_.year},
        )
        return context


class RoundMoversView(RoundMixin, ScopedListView):
    """This round's evaluations whose final stars moved up or down since the previous round."""

    model = Evaluation
    table_class = EvaluationTable
    filterset_class = MoversFilter
    template_name = "ratings/evaluation_list.html"

    def get_queryset(self):
        return selectors.movers(self.get_round()).for_user(self.request.user)

    def get_export_filename(self, export_format):
        return f"movers-{self.get_round().year}.{export_format}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=gettext("Promotion: movers in %(year)s") % {"year": self.get_round().year},
            round=self.get_round(),
            **kwargs,
        )


class RoundEntryView(PermissionRequiredMixin, RoundMixin, TemplateView):
    permission_model = Evaluation
    permission_action = Action.EDIT
    """Many evaluations at once: party organisations in rows, items in columns.

    Valid rows are saved, each through the service; invalid rows are held
    with their errors and every posted value is shown again, so nothing
    typed is lost. The page holds one area's page of rows at a time.
    """

    template_name = "ratings/round_entry.html"
    page_size = 20

    def get_areas(self):
        return Area.objects.for_user(self.request.user).registration_areas()

    def get_area(self):
        area_id = self.request.GET.get("area")
        if not area_id:
            return None
        try:
            return self.get_areas().filter(pk=int(area_id)).first()
        except ValueError:
            return None

    def get_page(self):
        parties = selectors.entry_party_organizations(PartyOrganization.objects.for_user(self.request.user))
        area = self.get_area()
        if area is not None:
            parties = parties.filter(area__path__startswith=area.path)
        query = self.request.GET.get("q", "").strip()
        if query:
            parties = parties.filter(name__icontains=query)
        return Paginator(parties, self.page_size).get_page(self.request.GET.get("page"))

    def build_rows(self, page, data=None):
        round_ = self.get_round()
        items = list(round_.items.all())
        evaluations = selectors.entry_evaluations(round_, [p.pk for p in page.object_list])
        role = workflow.role_of(self.request.user)
        rows = []
        for party in page.object_list:
            evaluation = evaluations.get(party.pk)
            editable = round_.is_open and (evaluation is None or workflow.allowed(role, Action.EDIT, evaluation.state))
            initial = {}
            if evaluation is not None:
                points = {s.item_id: s.points for s in evaluation.scores.all()}
                initial = {points_field_name(i): points.get(i.pk) for i in items} | {"evidence": evaluation.evidence}
            form = EntryRowForm(
                data=data if editable else None,
                initial=initial,
                prefix=f"row-{party.pk}",
                items=items,
            )
            for field in form.fields.values():
                field.widget.attrs["aria-label"] = f"{party.name} · {field.label}"
            rows.append({"party": party, "evaluation": evaluation, "form": form, "editable": editable})
        return items, rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_ = self.get_round()
        page = kwargs.pop("page", None) or self.get_page()
        items, rows = kwargs.pop("built", None) or self.build_rows(page)
        context.update(
            round=round_,
            items=items,
            rows=rows,
            page_obj=page,
            areas=self.get_areas(),
            area=self.get_area(),
            query=self.request.GET.get("q", ""),
            title=gettext("%(year)s entry table") % {"year": round_.year},
        )
        return context

    def post(self, request, *args, **kwargs):
        round_ = self.get_round()
        page = self.get_page()
        items, rows = self.build_rows(page, data=request.POST)
        then_submit = request.POST.get("action") == "submit"
        saved = held = 0
        for row in rows:
            form = row["form"]
            if not row["editable"] or form.is_blank:
                continue
            if not form.is_valid():
                held += 1
                continue
            try:
                evaluation, changed = services.evaluation_score(
                    actor=request.user,
                    round_=round_,
                    party_organization=row["party"],
                    points=form.points(),
                    evidence=form.cleaned_data["evidence"],
                )
                if then_submit and evaluation.state in (Evaluation.State.DRAFT, Evaluation.State.RETURNED):
                    services.evaluation_submit(actor=request.user, evaluation=evaluation)
                    changed = True
            except ValidationError as exc:
                add_service_errors(form, exc)
                held += 1
                continue
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                held += 1
                continue
            row["saved"] = changed
            saved += int(changed)
        if not held:
            messages.success(request, gettext("Rows saved: %(saved)s.") % {"saved": saved})
            return HttpResponseRedirect(request.get_full_path())
        messages.warning(
            request,
            gettext("Rows saved: %(saved)s. Rows held with errors: %(held)s — correct them and save again.")
            % {"saved": saved, "held": held},
        )
        # Show the saved rows' new totals and states beside the held rows' typed values.
        fresh = selectors.entry_evaluations(round_, [p.pk for p in page.object_list])
        for row in rows:
            row["evaluation"] = fresh.get(row["party"].pk)
        return self.render_to_response(self.get_context_data(page=page, built=(items, rows)))


# --------------------------------------------------------------------------
# Pairings
# --------------------------------------------------------------------------


class PairingListView(ScopedListView):
    model = Pairing
    selector = staticmethod(selectors.pairing_rows)
    table_class = PairingTable
    filterset_class = PairingFilter
    export_name = "pairings"
    template_name = "ratings/evaluation_list.html"
    extra_context = {"title": _("Pairings"), "create_url": "ratings:pairing-create"}


class PairingDetailView(PermissionRequiredMixin, DetailView):
    model = Pairing
    selector = staticmethod(selectors.pairing_rows)
    template_name = "ratings/pairing_detail.html"


class PairingCreateView(PermissionRequiredMixin, FormView):
    permission_model = Pairing
    permission_action = Perm.ADD
    form_class = PairingCreateForm
    template_name = "form.html"
    extra_context = {"title": _("Pair a strong party organisation with a weaker one")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            pairing = services.pairing_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Saved."))
        return HttpResponseRedirect(pairing.get_absolute_url())


class PairingUpdateView(PermissionRequiredMixin, ObjectFormMixin, FormView):
    permission_action = Perm.CHANGE
    model = Pairing
    form_class = PairingUpdateForm
    template_name = "form.html"
    extra_context = {"title": _("Pairing progress")}

    def get_initial(self) -> dict[str, Any]:
        return model_to_dict(self.object, fields=list(self.form_class.base_fields))

    def form_valid(self, form):
        try:
            pairing = services.pairing_update(actor=self.request.user, pairing=self.object, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Saved."))
        return HttpResponseRedirect(pairing.get_absolute_url())
