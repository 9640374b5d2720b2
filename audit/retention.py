"""Retention: the log keeps AUDIT_RETENTION_DAYS (at least 180 days, 等保2.0
asks for six months); older entries are archived to a gzip JSON-lines file
under AUDIT_ARCHIVE_DIR and only then deleted from the table.

The delete runs inside one transaction that first says `SET LOCAL
audit.retention = 'on'`: on PostgreSQL the table's trigger refuses every
UPDATE and DELETE except in such a transaction (migrations/0002), and this
service is the only code that says it. The setting ends with the
transaction, so nothing else done on the connection afterwards can delete.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEntry

ARCHIVE_FIELDS = (
    "id",
    "created_at",
    "user_id",
    "username",
    "ip_address",
    "kind",
    "content_type_id",
    "object_id",
    "object_repr",
    "changes",
    "details",
    "outcome",
)


def cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)


def audit_retention_run(*, now: dt.datetime | None = None) -> tuple[int, Path | None]:
    """Archive and delete entries older than the retention. Returns how many
    were archived and the archive file (None when none were old enough).

    Idempotent: a second run finds nothing older left and writes no file. The
    file is complete and renamed into place before the delete commits; if the
    delete fails, the rows stay and the next run archives them again."""
    now = now or timezone.now()
    old = AuditEntry.objects.filter(created_at__lt=cutoff(now)).order_by("pk")
    directory = Path(settings.AUDIT_ARCHIVE_DIR)
    with transaction.atomic():
        last = old.values_list("pk", flat=True).last()
        if last is None:
            return 0, None
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / f"audit-{now:%Y%m%dT%H%M%S}-to-{last}.jsonl.gz"
        partial = target.with_suffix(".partial")
        count = 0
        with gzip.open(partial, "wt", encoding="utf-8") as archive:
            for values in old.filter(pk__lte=last).values(*ARCHIVE_FIELDS).iterator(chunk_size=2000):
                archive.write(json.dumps(values, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n")
                count += 1
        os.replace(partial, target)
        _retention_allowed(on=True)
        old.filter(pk__lte=last).delete()
        # Off again at once: called inside an outer transaction, SET LOCAL would last until that one ends.
        _retention_allowed(on=False)
    return count, target


def _retention_allowed(*, on: bool) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL audit.retention = '{'on' if on else 'off'}'")
