"""An export job's pages: its status (polled while it runs), its file, and
the asker's recent exports. Each reads through `export_jobs_for(user)`, so
another user's job is a 404 whatever their role."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, JsonResponse, QueryDict
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from audit import recording as audit
from ui.views import SafeExportMixin

from . import selectors
from .models import ExportJob


def list_url(job: ExportJob) -> str:
    """The list the export came from, as it was filtered."""
    query = QueryDict(job.query, mutable=True)
    query.pop(SafeExportMixin.export_trigger_param, None)
    return f"{job.path}?{query.urlencode()}" if query else job.path


def status_text(job: ExportJob) -> str:
    if job.status == ExportJob.Status.FAILED:
        return job.error
    if job.status == ExportJob.Status.SUCCEEDED:
        return gettext("%(rows)s rows, kept until %(until)s.") % {
            "rows": formats.number_format(job.rows_written, force_grouping=True),
            "until": formats.date_format(timezone.localtime(job.expires_at), "SHORT_DATETIME_FORMAT"),
        }
    if job.status == ExportJob.Status.RUNNING and job.rows_total is not None:
        return gettext("%(written)s of %(total)s rows written (%(percent)s%%).") % {
            "written": formats.number_format(job.rows_written, force_grouping=True),
            "total": formats.number_format(job.rows_total, force_grouping=True),
            "percent": job.percent,
        }
    return gettext("Waiting to start.")


def download_url(job: ExportJob) -> str | None:
    if job.status == ExportJob.Status.SUCCEEDED and job.file:
        return reverse("exports:job-download", args=[job.pk])
    return None


class OwnJobMixin(LoginRequiredMixin):
    model = ExportJob
    context_object_name = "job"

    def get_queryset(self):
        return selectors.export_jobs_for(self.request.user)


class ExportJobListView(LoginRequiredMixin, ListView):
    template_name = "exports/job_list.html"
    context_object_name = "jobs"
    extra_context = {"title": _("My exports")}

    def get_queryset(self):
        return selectors.export_jobs_recent(self.request.user)


class ExportJobDetailView(OwnJobMixin, DetailView):
    template_name = "exports/job_detail.html"

    def get_context_data(self, **kwargs):
        job = self.object
        return super().get_context_data(
            title=_("Export %(file)s") % {"file": job.filename},
            status_text=status_text(job),
            download_url=download_url(job),
            list_url=list_url(job),
            **kwargs,
        )


class ExportJobStatusView(OwnJobMixin, DetailView):
    """What the status page polls (static/js/exports.js)."""

    def render_to_response(self, context, **response_kwargs):
        job = context["job"]
        return JsonResponse(
            {
                "status": job.status,
                "label": str(job.get_status_display()),
                "text": status_text(job),
                "rows_written": job.rows_written,
                "rows_total": job.rows_total,
                "percent": job.percent,
                "download_url": download_url(job),
            }
        )


class ExportJobDownloadView(OwnJobMixin, DetailView):
    def render_to_response(self, context, **response_kwargs):
        job = context["job"]
        if job.status != ExportJob.Status.SUCCEEDED or not job.file or job.expires_at <= timezone.now():
            raise Http404
        response = FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
        # The rows leave with the download: the audit log records who took them.
        audit.record(
            kind=audit.Kind.EXPORT,
            request=self.request,
            obj=job,
            details={"path": job.path, "query": job.query, "format": job.export_format, "rows": job.rows_total},
        )
        return response
