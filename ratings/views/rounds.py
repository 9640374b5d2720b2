"""Round pages: the rounds, opening and editing one, its summary and movers,
and the entry table where many evaluations are scored at once."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from django_tables2 import SingleTableMixin

from accounts.mixins import PermissionRequiredMixin
from accounts.permissions import Action as Perm
from organizations.models import Area, PartyOrganization
from ratings import selectors, services, workflow
from ratings.filters import MoversFilter
from ratings.forms import EntryRowForm, RoundCreateForm, RoundUpdateForm, points_field_name
from ratings.models import Evaluation, Round
from ratings.tables import EvaluationTable, RoundSummaryTable, RoundTable
from ratings.workflow import Action
from ui.filters import SearchFilter, area_keys
from ui.formatting import format_percent
from ui.pagination import DEFAULT_PAGE_SIZE, CappedPaginator
from ui.views import KeptPageMixin, SafeExportMixin, ScopedListView

from .common import RoundMixin, add_service_errors


class RoundListView(LoginRequiredMixin, KeptPageMixin, SingleTableMixin, TemplateView):
    template_name = "ratings/round_list.html"
    table_class = RoundTable
    table_pagination = False

    def get_table_data(self):
        # The user's evaluations per round from the rating tally: one query, a few rows.
        counts = selectors.evaluation_counts_by_round(self.request.user)
        rounds = list(Round.objects.order_by("-year"))
        for round_ in rounds:
            round_.evaluation_count = counts.get(round_.pk, 0)
        return rounds

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


class RoundSummaryView(LoginRequiredMixin, KeptPageMixin, RoundMixin, SafeExportMixin, SingleTableMixin, TemplateView):
    """The round's figures for the user's scope, with the same counts by area."""

    template_name = "ratings/round_summary.html"
    table_class = RoundSummaryTable
    table_pagination = False

    def get_export_filename(self, export_format):
        return f"ratings-{self.get_round().year}.{export_format}"

    def get_table_data(self):
        return selectors.round_figures_by_area(self.get_round(), self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_ = self.get_round()
        summary = selectors.round_figures(round_, self.request.user)
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

    def get_base_queryset(self):
        return selectors.movers(self.get_round())

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "round_": self.get_round()}

    def get_export_filename(self, export_format):
        return f"movers-{self.get_round().year}.{export_format}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=gettext("Promotion: movers in %(year)s") % {"year": self.get_round().year},
            round=self.get_round(),
            **kwargs,
        )


class RoundEntryView(PermissionRequiredMixin, KeptPageMixin, RoundMixin, TemplateView):
    """Many evaluations at once: party organisations in rows, items in columns.

    Valid rows are saved, each through the service; invalid rows are held
    with their errors and every posted value is shown again, so nothing
    typed is lost. The page holds one area's page of rows at a time.
    """

    permission_model = Evaluation
    permission_action = Action.EDIT
    template_name = "ratings/round_entry.html"
    page_size = DEFAULT_PAGE_SIZE

    def get_areas(self):
        return Area.objects.for_user(self.request.user).registration_areas()

    def get_area(self):
        if not hasattr(self, "_area"):
            self._area = None
            area_id = self.request.GET.get("area")
            if area_id:
                with contextlib.suppress(ValueError, OverflowError):
                    self._area = self.get_areas().filter(pk=int(area_id)).first()
        return self._area

    def get_state_choices(self) -> list[tuple[str, str]]:
        return [(selectors.UNRATED, gettext("not yet rated")), *Evaluation.State.choices]

    def get_state(self) -> str:
        """The state the rows are filtered by ("" for all): one of the choices, else ignored."""
        state = self.request.GET.get("state", "")
        return state if state in dict(self.get_state_choices()) else ""

    def get_page(self):
        user = self.request.user
        parties = selectors.entry_party_organizations(PartyOrganization.objects.for_user(user))
        # The chosen area, else a district official's own, matched by the keys
        # of its areas that hold party organisations (ui.filters.area_keys):
        # one key reads the (area, name, id) index in name order, page by page.
        area = self.get_area()
        if area is None and user.role == user.Role.DISTRICT and user.area_id:
            area = user.area
        if area is not None and area.parent_id is not None:
            subtree = Area.objects.filter(path__startswith=area.path)
            parties = parties.filter(area__in=area_keys(subtree, parties, "area"))
        query = self.request.GET.get("q", "").strip()
        if query:
            parties = SearchFilter(fields=("name",), gram_indexed=("name",)).filter(parties, query)
        state = self.get_state()
        if state:
            parties = selectors.entry_in_state(parties, self.get_round(), state)
        # Capped like every list: the count stops at the cap and no page lies beyond it.
        return CappedPaginator(parties, self.page_size).get_page(self.request.GET.get("page"))

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
            # A box for the bulk review where the permission rule allows a move (a submitted row, for the city).
            bulk = workflow.bulk_actions(self.request.user, evaluation, round_=round_) if evaluation else []
            rows.append(
                {"party": party, "evaluation": evaluation, "form": form, "editable": editable, "selectable": bool(bulk)}
            )
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
            state=self.get_state(),
            state_choices=self.get_state_choices(),
            bulk_actions=workflow.bulk_actions(self.request.user) if round_.is_open else [],
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
