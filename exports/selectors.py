"""Reads of export jobs: a user sees their own, nobody else's (not even staff:
a file holds the rows of its asker's scope and filters)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import ExportJob

if TYPE_CHECKING:
    from accounts.models import User

# The "my exports" page lists the newest ones; older ones expire anyway.
RECENT = 50


def export_jobs_for(user: User) -> QuerySet[ExportJob]:
    if not user.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(user=user)


def export_jobs_recent(user: User) -> QuerySet[ExportJob]:
    return export_jobs_for(user).order_by("-created_at")[:RECENT]
