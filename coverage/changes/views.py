"""The change page: a summary of counts per kind, and the list of one kind,
sortable, paginated, exported as CSV or XLSX row for row."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin

from accounts.mixins import PermissionRequiredMixin
from coverage.recount.selectors import periods_with_snapshots
from organizations.models import SocialOrganization
from ui.pagination import DEFAULT_PAGE_SIZE, CappedPaginator
from ui.views import KeptPageMixin, PeriodFromRequestMixin, SafeExportMixin

from . import selectors, summaries
from .forms import ChangeScopeForm
from .selectors import INSTRUCTOR_KINDS, PARTY_KINDS, Kind
from .tables import InstructorChangeTable, OrganizationChangeTable, PartyOrganizationChangeTable


class CountedPaginator(CappedPaginator):
    """The capped paginator over rows whose number the page has counted
    already (`counted`): counting them again would cost the summary's work twice."""

    def __init__(self, *args, counted: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__["counted"] = min(counted, self.cap + 1)


# Registrations and deregistrations need no note saying so.
NO_NOTE = (Kind.REGISTERED, Kind.DEREGISTERED)


class ChangesView(
    PermissionRequiredMixin,
    KeptPageMixin,
    PeriodFromRequestMixin,
    SafeExportMixin,
    SingleTableMixin,
    TemplateView,
):
    """/coverage/changes/?period=2020H2&kind=registered[&area=610103][&unit=3]"""

    template_name = "coverage/changes/changes.html"
    # Everyone who reads organisations reads their changes; rows are scoped in the selectors.
    permission_model = SocialOrganization
    period_resolver = staticmethod(selectors.half_year_or_default)
    table_pagination = {"per_page": 25}

    def get_scope(self) -> dict:
        """{"area": Area | None, "unit": SupervisingUnit | None}; 404 for one the user may not see."""
        if not hasattr(self, "_scope"):
            form = ChangeScopeForm(self.request.GET, user=self.request.user)
            if not form.is_valid():
                raise Http404
            self._scope_form, self._scope = form, form.cleaned_data
        return self._scope

    def get_kind(self) -> Kind:
        value = self.request.GET.get("kind")
        return Kind(value) if value in Kind.values else Kind.REGISTERED

    def get_window(self) -> selectors.ChangeWindow:
        return selectors.change_window(self.get_period())

    def get_table_class(self):
        kind = self.get_kind()
        if kind in PARTY_KINDS:
            return PartyOrganizationChangeTable
        if kind in INSTRUCTOR_KINDS:
            return InstructorChangeTable
        return OrganizationChangeTable

    def get_table_kwargs(self):
        return {"exclude": ("note",)} if self.get_kind() in NO_NOTE else {}

    def get_table_data(self):
        return selectors.change_rows(self.request.user, self.get_window(), self.get_kind(), **self.get_scope())

    def get_counts(self) -> dict[Kind, int]:
        """The counts the recount stored with the scope's snapshot (one query),
        or, for a scope no snapshot has or a half-year not recounted, counted
        from the records (seconds at a million organisations)."""
        if not hasattr(self, "_counts"):
            user, window, scope = self.request.user, self.get_window(), self.get_scope()
            stored = summaries.stored_change_counts(user, window, **scope)
            self._counts, self._counted_at = stored or (selectors.change_counts(user, window, **scope), None)
        return self._counts

    def get_table_pagination(self, table):  # noqa: ARG002 (django-tables2 passes the table)
        per_page = self.request.GET.get("per_page", DEFAULT_PAGE_SIZE)
        self.get_counts()
        if self._counted_at is not None:
            # The summary holds the recount's counts; the list is the records as
            # they are now (a record changed since is listed before the next recount counts it).
            return {"per_page": per_page, "paginator_class": CappedPaginator}
        # Counted from the records just now: capped like every list, without counting twice.
        return {
            "per_page": per_page,
            "paginator_class": CountedPaginator,
            "counted": self.get_counts()[self.get_kind()],
        }

    def get_export_filename(self, export_format):
        return f"changes-{self.get_period().code}-{self.get_kind().value}.{export_format}"

    def _query(self, kind: Kind) -> str:
        scope = self.get_scope()
        params = {"period": self.get_period().code, "kind": kind.value}
        if scope["area"] is not None:
            params["area"] = scope["area"].code
        if scope["unit"] is not None:
            params["unit"] = scope["unit"].pk
        return "?" + urlencode(params)

    def get_context_data(self, **kwargs):
        window = self.get_window()
        kind = self.get_kind()
        counts = self.get_counts()

        def cell(k: Kind) -> dict:
            return {"kind": k, "label": k.label, "count": counts[k], "url": self._query(k), "selected": k == kind}

        summary = [
            {
                "figure": group.figure,
                "label": group.label,
                "cells": (cell(group.gained), cell(group.lost)),
                "net": counts[group.gained] - counts[group.lost],
                "net_size": abs(counts[group.gained] - counts[group.lost]),
            }
            for group in selectors.GROUPS
        ]
        period = self.get_period()
        periods = [p.half_year for p in periods_with_snapshots()]
        if period not in periods:
            periods = sorted([*periods, period], reverse=True)
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Changes since the previous half-year"),
            period=period,
            periods=periods,
            window=window,
            kind=kind,
            kind_count=counts[kind],
            counted_at=self._counted_at,
            kinds=Kind,
            summary=summary,
            scope_form=self._scope_form,
        )
        return context
