"""Export jobs: a spreadsheet too large to build inside a request, written
by a Celery job that re-reads the list with the asker's filters and scope,
and kept for its asker alone for a limited time."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel (XLSX)"

    # A random key: the URL of one user's file says nothing about how many
    # exports there are (access is still the owner's alone).
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    # The list as it was asked for: its path and query string (without the
    # export trigger). The job dispatches the same view with them, so the
    # same filters, sort, scope and permission apply; this stays small
    # whatever the row count, where a list of primary keys would not.
    path = models.CharField(_("list"), max_length=500)
    query = models.TextField(blank=True)
    # sha256 of format, path and query: what "the same export" means, short
    # enough for a unique index however long the query string.
    key = models.CharField(max_length=64)
    export_format = models.CharField(max_length=8, choices=Format.choices, default=Format.XLSX)
    language = models.CharField(max_length=16)
    filename = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_written = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("asked at"))
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"))

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"]), models.Index(fields=["expires_at"])]
        constraints = [
            # Pressing the button twice starts one job, not two.
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=Q(status__in=["queued", "running"]),
                name="one_live_export_per_list_and_user",
            ),
            models.CheckConstraint(
                condition=Q(rows_total__isnull=True) | Q(rows_written__lte=F("rows_total")),
                name="export_rows_written_within_total",
            ),
            models.CheckConstraint(condition=Q(expires_at__gt=F("created_at")), name="export_expires_after_asked"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} · {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("exports:job-detail", args=[self.pk])

    @staticmethod
    def key_for(*, export_format: str, path: str, query: str) -> str:
        return hashlib.sha256(f"{export_format}:{path}?{query}".encode()).hexdigest()

    @property
    def live(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_written * 100 // self.rows_total)
