"""Shared view pieces: the list-page base and the service-backed form views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, UpdateView
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin
from django_tables2.export import ExportMixin

from accounts.mixins import PermissionRequiredMixin
from accounts.permissions import Action
from audit import recording as audit
from exports import services as export_jobs

from . import fragments
from .exports import XLSX_DIRECT_MAX_ROWS, XLSX_MAX_ROWS, TableRows, TooManyRows, csv_response, xlsx_response
from .forms import add_service_errors
from .pagination import DEFAULT_PAGE_SIZE, PAGE_SIZES, CappedPaginator


class KeptPageMixin:
    """A page whose parts (head, menu, content) are kept between requests
    until the data or the day changes (ui/fragments.py): a page seen before
    answers with the session's, the user's and the data version's queries and
    none of its own. Goes first among a view's bases, so that its `get` runs
    before the page reads anything.

    An answer that is not a page (a chart's JSON) is kept whole. Not kept:
    an export (`?_export=`, answered by the export mixin), anything inside a
    transaction with writes not yet committed. A form in a kept page gets the
    request's own CSRF token. ui/tests/test_kept_pages.py checks every kept
    page against a fresh render for every kind of user."""

    def get(self, request, *args, **kwargs):
        self.kept_key = None
        if not request.GET.get(getattr(self, "export_trigger_param", "_export")):
            self.kept_key = fragments.key_for(request, type(self).__qualname__)
        kept = fragments.get(self.kept_key, request)
        if kept is not None:
            # The layout itself, not the page's template: its parts are all kept,
            # and a template that extends it would look for its blocks for nothing.
            return TemplateResponse(request, "base.html", {"kept_parts": kept})
        answer = fragments.get_response(self.kept_key)
        if answer is not None:
            content_type, content = answer
            return HttpResponse(content, content_type=content_type)
        response = self.get_afresh(request, *args, **kwargs)
        if not isinstance(response, TemplateResponse):
            # Not a page (a chart's JSON): kept whole, its parts are not the layout's.
            fragments.put_response(self.kept_key, response)
        return response

    def get_afresh(self, request, *args, **kwargs):
        """The page read and rendered from its own queries (its parts kept as they render)."""
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "kept_key": getattr(self, "kept_key", None)}


class SafeExportMixin(ExportMixin):
    """CSV and XLSX export of exactly the table's filtered rows in the user's
    scope, safe to open in a spreadsheet, at any size (ui/exports.py).

    CSV streams. XLSX answers at once up to `xlsx_direct_max_rows` rows;
    beyond that it becomes an export job (the exports app), which dispatches
    this same view again as the same user with the same query string, and
    this mixin then writes the job's file instead of answering."""

    export_formats = ("csv", "xlsx")
    xlsx_direct_max_rows = XLSX_DIRECT_MAX_ROWS
    xlsx_max_rows = XLSX_MAX_ROWS

    def get_export_format(self) -> str | None:
        value = self.request.GET.get(self.export_trigger_param)
        return value if value in self.export_formats else None

    def get_context_data(self, **kwargs):
        if self.get_export_format():
            # An export builds its own table (get_export_table): the page's
            # paginated table and its counts would be built for nothing.
            return kwargs
        return super().get_context_data(**kwargs)

    def render_to_response(self, context, **response_kwargs):
        export_format = self.get_export_format()
        if export_format:
            return self.create_export(export_format)
        # Past ExportMixin's own, which would export any format tablib knows.
        return super(ExportMixin, self).render_to_response(context, **response_kwargs)

    def get_export_table(self):
        """The page's table, filtered and sorted like the page, not paginated:
        the page's paginator caps and counts, an export takes every row."""
        table = self.get_table_class()(data=self.get_table_data(), **self.get_table_kwargs())
        return RequestConfig(self.request, paginate=False).configure(table)

    def audit_export(self, export_format: str, rows: int, *, complete: bool = True) -> None:
        """The audit log's entry: who took which rows (the list, its filters, how many)."""
        query = self.request.GET.copy()
        query.pop(self.export_trigger_param, None)
        audit.record(
            kind=audit.Kind.EXPORT,
            request=self.request,
            outcome=audit.Outcome.SUCCESS if complete else audit.Outcome.FAILURE,
            details={"path": self.request.path, "query": query.urlencode(), "format": export_format, "rows": rows},
        )

    def create_export(self, export_format):
        rows = TableRows(self.get_export_table(), self.exclude_columns)
        filename = self.get_export_filename(export_format)
        if export_format == "csv":
            # Recorded when the stream ends: only then is the row count known.
            return csv_response(
                rows, filename, done=lambda sent, complete: self.audit_export("csv", sent, complete=complete)
            )
        job = getattr(self.request, "export_job", None)
        if job is not None:
            # A job's rows are taken when its asker downloads the file (exports.views).
            export_jobs.export_job_write(job=job, rows=rows, max_rows=self.xlsx_max_rows)
            return HttpResponse(status=204)
        total = rows.count(up_to=self.xlsx_direct_max_rows + 1)
        if total > self.xlsx_direct_max_rows:
            job = export_jobs.export_job_start(
                user=self.request.user,
                path=self.request.path,
                query=self.request.GET.urlencode(),
                filename=filename,
                language=get_language(),
            )
            return HttpResponseRedirect(job.get_absolute_url())
        try:
            response = xlsx_response(rows, filename, total=total, max_rows=self.xlsx_max_rows)
            self.audit_export("xlsx", total)
            return response
        except TooManyRows as exc:
            messages.error(self.request, exc.message())
            query = self.request.GET.copy()
            query.pop(self.export_trigger_param, None)
            return HttpResponseRedirect(f"{self.request.path}?{query.urlencode()}")


class ScopedListView(PermissionRequiredMixin, KeptPageMixin, SafeExportMixin, SingleTableMixin, FilterView):
    """A scoped, filtered, sortable, paginated table with CSV and XLSX export
    of exactly the filtered rows."""

    template_name = "list.html"
    # Only the table paginates (FilterView's own paginate_by would count and
    # slice the rows a second time), through the one paginator that caps its
    # count and its pages and takes any page or page size a URL carries.
    table_pagination = {"per_page": DEFAULT_PAGE_SIZE, "paginator_class": CappedPaginator}

    def get_filterset_kwargs(self, filterset_class):
        # Bound even without a query string (django-filter leaves an unbound
        # filterset's rows unfiltered): filters that say the user's scope in a
        # form the database can use (AreaSubtreeFilter by_key: a district
        # official's area keys) apply to the first page too, which is the one
        # every visit opens.
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}

    def get_context_data(self, **kwargs):
        # The "New" button asks the permission rule about this list's model.
        return super().get_context_data(model_label=self.model._meta.label_lower, page_sizes=PAGE_SIZES, **kwargs)


def csrf_failure(request, reason: str = "") -> HttpResponse:  # noqa: ARG001 (Django passes the reason)
    """A form sent without a valid token (settings.CSRF_FAILURE_VIEW), in the
    app's layout: Django's own view renders 403_csrf.html without the request,
    so the page had no header, no navigation and no signed-in user. The
    reason is technical and stays in the server's log, not on the page."""
    return render(request, "403_csrf.html", status=HttpResponseForbidden.status_code)


class ServiceFormMixin(PermissionRequiredMixin, KeptPageMixin):
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
            # Shown on the form rather than as a 403 page, and audited like one.
            audit.record(
                kind=audit.Kind.PERMISSION_DENIED,
                outcome=audit.Outcome.REFUSED,
                request=self.request,
                details={"method": self.request.method, "path": self.request.path, "reason": str(exc)},
            )
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
