"""On PostgreSQL the table refuses UPDATE and DELETE by anyone but the retention job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.retention import audit_retention_run

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the append-only trigger exists on PostgreSQL only (SQLite has none); CI runs this on PostgreSQL",
    ),
]


@pytest.fixture
def entry(db):
    return AuditEntry.objects.create(kind=AuditEntry.Kind.LOGIN, username="beilin")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET username = 'someone-else' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_or_delete_an_entry(entry, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.username == "beilin"


def test_the_orm_cannot_either(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(username="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk, username="beilin").exists()


def test_the_retention_setting_lasts_one_transaction_and_allows_delete_only(entry, tmp_path, settings):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL audit.retention = 'on'")
        cursor.execute("UPDATE audit_auditentry SET username = 'x' WHERE id = %s", [entry.pk])
    old = AuditEntry.objects.create(
        kind=AuditEntry.Kind.LOGIN, username="old", created_at=timezone.now() - dt.timedelta(days=400)
    )
    assert audit_retention_run()[0] == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    # The retention's permission ended with its transaction.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
