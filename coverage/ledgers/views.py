"""Ledger pages: the reporting table, submission, review, and the file import.

Views stay thin: each declares its action and PermissionRequiredMixin applies
the one permission rule (another district's ledger or import is a 404, a
role that may not take the action a 403); rules and writes are the services'.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django_tables2 import RequestConfig, SingleTableMixin

from accounts.mixins import PermissionRequiredMixin
from accounts.permissions import Action
from coverage.models import Ledger, LedgerImport, LedgerImportProblem, LedgerImportRow
from coverage.recount.services import period_get
from ui.views import KeptPageMixin, PeriodFromRequestMixin, SafeExportMixin

from . import selectors, services
from .forms import LedgerImportForm, LedgerReviewForm, LedgerSubmitForm
from .imports import columns, preview, template
from .imports import services as imports
from .imports.problems import render
from .imports.store import StoredProblems
from .tables import LedgerImportTable, LedgerReportTable, LedgerSnapshotTable, ProblemData, ProblemTable


class LedgerPeriodMixin(PeriodFromRequestMixin):
    """The half-year a ledger page is about: ?period=, else the latest recounted one."""

    period_resolver = staticmethod(selectors.ledger_period_default)


class PostActionMixin:
    """A page read with one action and posted to with another (view, then review)."""

    post_permission_action: str = Action.VIEW

    def get_permission_action(self) -> str:
        if self.request.method == "POST":
            return self.post_permission_action
        return super().get_permission_action()


class LedgerListView(
    LoginRequiredMixin,
    KeptPageMixin,
    LedgerPeriodMixin,
    SafeExportMixin,
    SingleTableMixin,
    TemplateView,
):
    """Which areas and industry committees have submitted and been accepted, on time or late."""

    template_name = "coverage/ledgers/list.html"
    table_class = LedgerReportTable
    table_pagination = False
    export_name = "ledgers"

    def get_rows(self) -> list[selectors.LedgerReportRow]:
        if not hasattr(self, "_rows"):
            period = self.get_period()
            self._rows = selectors.ledger_report_rows(period=period, user=self.request.user) if period else []
        return self._rows

    # ?status= and ?timeliness= (each repeatable): the rows a dashboard figure
    # counts, e.g. the ledgers that came in, and of those the ones on time.
    ROW_FILTERS = {"status": Ledger.Status, "timeliness": selectors.Timeliness}

    def row_filters(self) -> dict[str, set[str]]:
        return {
            name: {value for value in self.request.GET.getlist(name) if value in choices.values}
            for name, choices in self.ROW_FILTERS.items()
            if self.request.GET.getlist(name)
        }

    def get_table_data(self):
        filters = self.row_filters()
        return [row for row in self.get_rows() if all(getattr(row, name) in values for name, values in filters.items())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = self.row_filters()
        context["row_filters"] = [
            str(choices(value).label) for name, choices in self.ROW_FILTERS.items() for value in filters.get(name, ())
        ]
        owner = services.ledger_owner(self.request.user)
        own = next((row for row in self.get_rows() if row.key == owner.key), None) if owner else None
        context.update(
            title=_("Half-yearly ledgers"),
            period=self.get_period(),
            periods=selectors.ledger_periods(),
            own=own,
            period_query=self.period_query(),
        )
        return context


class LedgerSubmitView(PermissionRequiredMixin, LedgerPeriodMixin, FormView):
    permission_model = Ledger
    permission_action = Action.SUBMIT
    template_name = "coverage/ledgers/submit.html"
    form_class = LedgerSubmitForm

    def get_initial(self):
        period = self.get_period()
        return {"period": period.code} if period else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        period = self.get_period()
        owner = services.ledger_owner(user)
        current = None
        if period is not None and owner is not None:
            current = Ledger.objects.for_user(user).filter(period=period, **owner.as_filter()).first()
        context.update(title=_("Submit the ledger"), current=current, period=period)
        return context

    def form_valid(self, form):
        try:
            ledger = services.ledger_submit(
                actor=self.request.user, period=form.cleaned_data["period"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(
            self.request, gettext("The ledger of %(period)s has been submitted.") % {"period": ledger.period.code}
        )
        return HttpResponseRedirect(reverse("coverage:ledger-list") + f"?period={ledger.period.code}")


class LedgerReviewView(PostActionMixin, PermissionRequiredMixin, DetailView):
    """One ledger with its figures; the organisation department accepts, returns or reopens it here."""

    model = Ledger
    post_permission_action = Action.REVIEW
    selector = staticmethod(
        lambda: Ledger.objects.select_related("period", "area", "supervising_unit", "submitted_by", "reviewed_by")
    )
    template_name = "coverage/ledgers/review.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", LedgerReviewForm())
        snapshots = services.ledger_snapshots(self.object).for_user(self.request.user).order_by("scope")
        context.update(title=str(self.object), snapshot_table=LedgerSnapshotTable(snapshots))
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = LedgerReviewForm(request.POST)
        if form.is_valid():
            action = form.cleaned_data["action"]
            reason = form.cleaned_data["reason"]
            try:
                if action == LedgerReviewForm.Action.ACCEPT:
                    services.ledger_accept(actor=request.user, ledger=self.object)
                    messages.success(request, gettext("Ledger accepted; its figures are frozen."))
                elif action == LedgerReviewForm.Action.RETURN:
                    services.ledger_return(actor=request.user, ledger=self.object, reason=reason)
                    messages.success(request, gettext("Ledger returned."))
                else:
                    services.ledger_reopen(actor=request.user, ledger=self.object, reason=reason)
                    messages.success(request, gettext("Ledger reopened; the next recount refreshes its figures."))
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                return HttpResponseRedirect(reverse("coverage:ledger-review", args=[self.object.pk]))
        return self.render_to_response(self.get_context_data(form=form))


class LedgerImportView(PermissionRequiredMixin, LedgerPeriodMixin, FormView):
    """Upload a ledger file; it is checked (in a task) and shown before anything is imported."""

    permission_model = LedgerImport
    permission_action = Action.IMPORT
    template_name = "coverage/ledgers/import.html"
    form_class = LedgerImportForm

    def get_initial(self):
        period = self.get_period()
        return {"period": period.code} if period else {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        recent = (
            LedgerImport.objects.for_user(self.request.user)
            .select_related("period", "area", "supervising_unit")
            .defer("content")[:10]
        )
        table = LedgerImportTable(list(recent))
        context.update(title=_("Import a ledger file"), recent_table=table, columns=columns.COLUMNS)
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        content = b"".join(upload.chunks())
        try:
            record = imports.ledger_import_upload(
                actor=self.request.user,
                period=period_get(period=form.cleaned_data["period"]),
                file_name=upload.name,
                content=content,
                area=form.cleaned_data.get("area"),
                supervising_unit=form.cleaned_data.get("supervising_unit"),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("coverage:ledger-import-preview", args=[record.pk]))


def _import_selector():
    # The file's bytes stay in the database: a page never loads them.
    return LedgerImport.objects.select_related("period", "area", "supervising_unit", "uploaded_by").defer("content")


class LedgerImportPreviewView(PostActionMixin, PermissionRequiredMixin, SafeExportMixin, SingleTableMixin, DetailView):
    """The stored check of an uploaded file, a page of problems at a time by
    row and column (any page is one range query, whatever the file's length);
    the Import button only when there are none; while the check or the import
    runs, its progress; after import, what it did."""

    model = LedgerImport
    post_permission_action = Action.IMPORT
    selector = staticmethod(_import_selector)
    template_name = "coverage/ledgers/preview.html"
    context_object_name = "record"
    table_class = ProblemTable
    table_pagination = {"per_page": 100}
    export_name = "ledger-problems"

    def get_object(self, queryset=None):
        if not hasattr(self, "object") or self.object is None:
            self.object = super().get_object(queryset)
        return self.object

    def get_table_data(self):
        record = self.get_object()
        return ProblemData(StoredProblems(record, LedgerImportProblem.Severity.ERROR, record.error_count))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "table" not in context:  # an export: SafeExportMixin builds its own table
            return context
        record = self.object
        warnings_table = None
        if record.warning_count and record.status != LedgerImport.Status.IMPORTED:
            stored = StoredProblems(record, LedgerImportProblem.Severity.WARNING, record.warning_count)
            warnings_table = ProblemTable(ProblemData(stored), prefix="w-")
            RequestConfig(self.request, paginate={"per_page": 100}).configure(warnings_table)
        table = context["table"]
        first = next(iter(table.page.object_list), None) if record.error_count == 1 else None
        refused = first.record if first is not None and first.record.row == 0 else None
        context.update(self.row_context(record))
        context.update(
            title=_("Check of %(file)s") % {"file": record.file_name},
            refused=refused,
            warnings_table=warnings_table,
            live=record.status in LIVE,
            status_url=reverse("coverage:ledger-import-status", args=[record.pk]),
            progress=import_progress(record),
            failure=render(record.failure, {}) if record.failure else "",
            retention_days=imports.RETENTION.days,
            # Whether the file could be imported; whether this user may is the template's {% can %}.
            importable=record.status == LedgerImport.Status.PREVIEWED and not record.error_count,
        )
        return context

    ROWS_PAGE = "rows_page"

    def row_context(self, record: LedgerImport) -> dict:
        """Every row of the file by kind (?kind=), a page at a time (?rows_page=):
        what the import will do, or after it what it did."""
        if record.status not in ROWS_LISTED or record.error_count and self._whole_file_refused(record):
            return {"rows_listed": False}
        counts = preview.kind_counts(record)
        done = record.status == LedgerImport.Status.IMPORTED
        kind = self.request.GET.get("kind", "")
        if kind not in counts:
            kind = ""
        known = counts[kind] if kind else record.row_count
        paginator = preview.KnownCountPaginator(
            preview.preview_rows(record, kind or None), self.request.GET.get("per_page"), known=known
        )
        page = paginator.page(self.request.GET.get(self.ROWS_PAGE))
        return {
            "rows_listed": True,
            "kind": kind,
            # An imported file had no row with problems: its list offers the three kinds it did.
            "kinds": [
                (value, LedgerImportRow.Kind(value).label, counts[value])
                for value in preview.KINDS
                if not (done and value == LedgerImportRow.Kind.ERROR)
            ],
            "rows_page": page,
            "rows_page_param": self.ROWS_PAGE,
            # After the import the records hold the file's values: there is nothing left to compare.
            "rows": preview.page_rows(record, list(page.object_list), diff=not done),
            "rows_done": done,
        }

    @staticmethod
    def _whole_file_refused(record: LedgerImport) -> bool:
        """A problem of the file or its header: no row was read, none is listed."""
        first = StoredProblems(record, LedgerImportProblem.Severity.ERROR, record.error_count)[:1]
        return bool(first) and first[0].row <= 1

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            record = imports.ledger_import_queue(actor=request.user, ledger_import=self.object)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            # Without a broker the import has run by now; with one, the page shows its progress.
            record.refresh_from_db()
            if record.status == LedgerImport.Status.IMPORTED:
                messages.success(
                    request,
                    gettext("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                    % {
                        "created": record.created_count,
                        "updated": record.updated_count,
                        "unchanged": record.unchanged_count,
                    },
                )
        return HttpResponseRedirect(reverse("coverage:ledger-import-preview", args=[self.object.pk]))


LIVE = (LedgerImport.Status.CHECKING, LedgerImport.Status.IMPORTING)
ROWS_LISTED = (LedgerImport.Status.PREVIEWED, LedgerImport.Status.REJECTED, LedgerImport.Status.IMPORTED)


def import_progress(record: LedgerImport) -> str:
    """What the status line says while the check or the import runs."""
    if record.status == LedgerImport.Status.IMPORTING:
        return gettext("Importing %(rows)s rows; nothing is written until all of them are.") % {
            "rows": f"{record.row_count:,}"
        }
    if record.status != LedgerImport.Status.CHECKING:
        return ""
    if record.expected_count:
        return gettext("%(checked)s of about %(expected)s rows checked.") % {
            "checked": f"{record.checked_count:,}",
            "expected": f"{max(record.expected_count, record.checked_count):,}",
        }
    return gettext("%(checked)s rows checked.") % {"checked": f"{record.checked_count:,}"}


class LedgerImportStatusView(PermissionRequiredMixin, DetailView):
    """The state of an upload's check or import as JSON, for the preview page to poll."""

    model = LedgerImport
    selector = staticmethod(
        lambda: LedgerImport.objects.only(
            "pk", "status", "checked_count", "expected_count", "row_count", "area", "supervising_unit"
        )
    )

    def get(self, *args, **kwargs):
        record = self.get_object()
        return JsonResponse(
            {
                "status": record.status,
                "label": record.get_status_display(),
                "live": record.status in LIVE,
                "checked": record.checked_count,
                "expected": record.expected_count,
                "text": import_progress(record),
            }
        )


class LedgerImportTemplateView(LoginRequiredMixin, View):
    """The empty template with one example row, as XLSX or CSV."""

    def get(self, request):
        if request.GET.get("format") == "csv":
            response = HttpResponse(template.template_csv(actor=request.user), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="ledger-template.csv"'
            return response
        response = HttpResponse(
            template.template_xlsx(actor=request.user),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="ledger-template.xlsx"'
        return response
