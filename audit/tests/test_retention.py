"""Retention: entries past AUDIT_RETENTION_DAYS are archived to a gzip JSON-lines file, then deleted."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest
from django.conf import settings
from django.utils import timezone

from audit import tasks
from audit.models import AuditEntry
from audit.retention import audit_retention_run

pytestmark = pytest.mark.django_db

Kind = AuditEntry.Kind


@pytest.fixture
def archive_dir(tmp_path, settings):
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "audit-archive"
    return settings.AUDIT_ARCHIVE_DIR


def _entry(days_ago: float, **fields) -> AuditEntry:
    return AuditEntry.objects.create(
        created_at=timezone.now() - dt.timedelta(days=days_ago), kind=Kind.LOGIN, username="beilin", **fields
    )


def test_old_entries_are_archived_then_deleted_and_recent_ones_kept(archive_dir, settings):
    settings.AUDIT_RETENTION_DAYS = 180
    old = [_entry(400, details={"n": 1}), _entry(181, changes={"name": ["甲", "乙"]})]
    kept = [_entry(179), _entry(0)]
    count, path = audit_retention_run()
    assert count == len(old)
    assert set(AuditEntry.objects.values_list("pk", flat=True)) == {e.pk for e in kept}
    with gzip.open(path, "rt", encoding="utf-8") as archive:
        lines = [json.loads(line) for line in archive]
    assert [line["id"] for line in lines] == [e.pk for e in old]
    assert lines[1]["changes"] == {"name": ["甲", "乙"]}
    assert (lines[0]["kind"], lines[0]["username"], lines[0]["details"]) == ("login", "beilin", {"n": 1})
    assert list(archive_dir.iterdir()) == [path]


def test_a_second_run_archives_nothing_twice(archive_dir):
    _entry(365)
    assert audit_retention_run()[0] == 1
    assert audit_retention_run() == (0, None)
    assert len(list(archive_dir.iterdir())) == 1


def test_the_daily_task_calls_the_service_and_is_scheduled(archive_dir):
    _entry(200)
    _entry(1)
    assert tasks.audit_retention.delay().get() == 1
    assert AuditEntry.objects.count() == 1
    entry = settings.CELERY_BEAT_SCHEDULE["audit-retention"]
    assert entry["task"] == "audit.tasks.audit_retention"


def test_the_retention_never_drops_below_180_days():
    # The setting floors whatever the environment says (等保2.0: at least six months).
    assert settings.AUDIT_RETENTION_DAYS >= 180
