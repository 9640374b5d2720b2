"""Backup and restore round trip: every table's row count comes back (on the
suite's database: SQLite in `make test`, PostgreSQL in CI's second run)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from organizations.models import SocialOrganization
from organizations.tests.factories import SocialOrganizationFactory
from ui import data_version

# Committed rows: pg_dump reads through its own connection.
pytestmark = pytest.mark.django_db(transaction=True)


def _row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (names from the schema itself)
            counts[table] = cursor.fetchone()[0]
    return counts


def test_a_restore_brings_back_every_row_of_the_backup(dataset, tmp_path, capsys):
    before = _row_counts()
    assert before["organizations_socialorganization"] == SocialOrganization.objects.count() > 0
    dump = tmp_path / "backup.dump"
    backed_up = data_version.current()
    call_command("backup", "--output", str(dump))
    assert dump.stat().st_size > 0 and "Backed up to" in capsys.readouterr().out
    # Changes after the backup: one more organisation, one renamed.
    SocialOrganizationFactory(area=dataset.a.area)
    SocialOrganization.objects.filter(pk=dataset.a.pk).update(name="改过的名字")
    assert _row_counts() != before
    changed = data_version.current()
    call_command("restore", "--input", str(dump), "--yes")
    connection.close()
    assert _row_counts() == before
    assert SocialOrganization.objects.get(pk=dataset.a.pk).name == dataset.a.name
    # A restore writes past Django's connection: a new data version, so no page
    # kept before it (ui/fragments.py) is served after it.
    assert data_version.current() not in (backed_up, changed)


def test_restore_asks_for_confirmation_and_a_real_file(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", "--input", str(tmp_path / "x.dump"))
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", "--input", str(tmp_path / "missing.dump"), "--yes")
