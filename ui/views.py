"""Shared view pieces: the list-page base and the service-backed form views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from accounts.mixins import PermissionRequiredMixin
from accounts.permissions import Action

from .exports import SafeTableExport
from .forms import add_service_errors
from .pagination import DEFAULT_PAGE_SIZE, PAGE_SIZES, CappedPaginator


class SafeExportMixin(ExportMixin):
    """CSV and XLSX export of exactly the table's rows, safe to open in a spreadsheet."""

    export_formats = ("csv", "xlsx")
    export_class = SafeTableExport


class ScopedListView(PermissionRequiredMixin, SafeExportMixin, SingleTableMixin, FilterView):
    """A scoped, filtered, sortable, paginated table with CSV and XLSX export
    of exactly the filtered rows."""

    template_name = "list.html"
    # Only the table paginates (FilterView's own paginate_by would count and
    # slice the rows a second time), through the one paginator that caps its
    # count and its pages and takes any page or page size a URL carries.
    table_pagination = {"per_page": DEFAULT_PAGE_SIZE, "paginator_class": CappedPaginator}

    def get_context_data(self, **kwargs):
        # The "New" button asks the permission rule about this list's model.
        return super().get_context_data(model_label=self.model._meta.label_lower, page_sizes=PAGE_SIZES, **kwargs)


class ServiceFormMixin(PermissionRequiredMixin):
    """Validate with the form, write with the service, show its errors on the form.

    A view names `run_service(data)`, returning the saved record and any
    soft warnings to show beside the success message."""

    template_name = "form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def run_service(self, data: dict):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object, warnings = self.run_service(dict(form.cleaned_data))
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        for warning in warnings:
            messages.warning(self.request, warning)
        return HttpResponseRedirect(self.object.get_absolute_url())


class ServiceCreateView(ServiceFormMixin, CreateView):
    permission_action = Action.ADD


class ServiceUpdateView(ServiceFormMixin, UpdateView):
    permission_action = Action.CHANGE


class PeriodFromRequestMixin:
    """The half-year a page is about: the one named by `?period=`, else the
    view's default (the latest recounted one, or for ledgers the one due).
    Read once per request, so the figures, the links and the charts of one
    page speak of the same half-year."""

    # A callable taking the requested code (or None) and returning a Period or None.
    period_resolver = None

    def get_period(self):
        if not hasattr(self, "_period"):
            self._period = self.period_resolver(self.request.GET.get("period"))
        return self._period

    def period_query(self) -> str:
        period = self.get_period()
        return f"?period={period.code}" if period else ""


class AsOfListMixin(PeriodFromRequestMixin):
    """A list as it stood at the end of the half-year `?period=` names, or as
    of today without one. The page says "as of" at the top and its filter form
    keeps the half-year, so a figure's link and every filter after it speak of
    the same day the figure does.

    The view names `period_resolver` (None when no half-year is asked for) and
    `as_of_selector`, a callable taking the day and returning the base rows."""

    as_of_selector = None

    def get_as_of(self):
        period = self.get_period()
        return period.end if period is not None else None

    def get_base_queryset(self):
        as_of = self.get_as_of()
        if as_of is None:
            return super().get_base_queryset()
        return self.as_of_selector(as_of)

    def get_context_data(self, **kwargs):
        return super().get_context_data(as_of=self.get_as_of(), as_of_period=self.get_period(), **kwargs)
