"""Writing many organisations at once, for organizations.services.organizations_import.

Django's bulk_create and bulk_update prepare every value in Python (about
20 µs each: two million values for a ledger of 100,000 rows) and bulk_update
sends one CASE per column per batch, which PostgreSQL evaluates row by row.
On PostgreSQL the rows travel instead as one COPY: new rows into the table,
changed rows into a temporary table that one UPDATE … FROM joins back.
Elsewhere (SQLite) Django's own bulk methods do the work.

What the model would do on save is done here: auto_now and auto_now_add
columns get the time, every other column the value on the instance (which
carries the field defaults). Constraints are the database's, as ever.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone

from ui import data_version

from .models import SocialOrganization

BATCH = 500  # Django's path: rows a statement
_NULL = r"\N"  # COPY's NULL marker, so that an empty string stays one


def _field(value) -> str:
    """A value as a CSV field for COPY: NULL unquoted, anything else quoted
    (so that a text that reads \\N stays text)."""
    if value is None:
        return _NULL
    if isinstance(value, bool):
        text = "t" if value else "f"
    elif isinstance(value, dt.datetime):
        text = value.isoformat()
    elif isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return '"' + text.replace('"', '""') + '"'


def _copy(cursor, table: str, fields: Sequence[models.Field], rows: Iterable[Sequence]) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write(",".join([_field(value) for value in row]))
        buffer.write("\n")
    buffer.seek(0)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '{_NULL}')", buffer)
    # COPY goes through the driver's own cursor, past the watch on Django's.
    data_version.mark_written(connection)


def copy_rows(model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence]) -> bool:
    """COPY rows of values for `attnames` into `model`'s table on PostgreSQL
    (lists and dicts as JSON); False elsewhere, where the caller writes them its way."""
    if connection.vendor != "postgresql":
        return False
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    with connection.cursor() as cursor:
        _copy(cursor, connection.ops.quote_name(model._meta.db_table), [by_attname[a] for a in attnames], rows)
    return True


def _value(organization: SocialOrganization, field: models.Field, now: dt.datetime):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        setattr(organization, field.attname, now)
    return getattr(organization, field.attname)


def insert(organizations: list[SocialOrganization]) -> None:
    """INSERT the new organisations (their primary keys are not read back)."""
    if not organizations:
        return
    if connection.vendor != "postgresql":
        SocialOrganization.objects.bulk_create(organizations, batch_size=BATCH)
        return
    meta = SocialOrganization._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.pk]
    now = timezone.now()
    # In name order: nine of the table's indexes are (…, name, id), and rows
    # arriving in key order fill their pages one after another instead of
    # touching a page at random for each row (the COPY of 100,000 rows into a
    # million organisations: 7.4 s → 5.8 s, bench/imports.py).
    organizations = sorted(organizations, key=lambda o: o.name)
    with connection.cursor() as cursor:
        _copy(
            cursor,
            connection.ops.quote_name(meta.db_table),
            fields,
            ([_value(o, f, now) for f in fields] for o in organizations),
        )


def update(organizations: list[SocialOrganization], names: Sequence[str]) -> None:
    """UPDATE the fields `names` of the organisations to their values on the
    instances (as bulk_update, no auto_now: the caller sets what it wants)."""
    if not organizations:
        return
    if connection.vendor != "postgresql":
        SocialOrganization.objects.bulk_update(organizations, names, batch_size=BATCH)
        return
    meta = SocialOrganization._meta
    fields = [meta.pk, *(meta.get_field(name) for name in names)]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    scratch = quote("organizations_import_changes")
    columns = ", ".join(quote(f.column) for f in fields)
    assignments = ", ".join(f"{quote(f.column)} = changes.{quote(f.column)}" for f in fields[1:])
    with connection.cursor() as cursor:
        # A private table of the changed rows, typed as the real one, gone at commit.
        cursor.execute(f"CREATE TEMPORARY TABLE {scratch} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA")
        _copy(cursor, scratch, fields, ([getattr(o, f.attname) for f in fields] for o in organizations))
        key = quote(meta.pk.column)
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {scratch} AS changes WHERE {table}.{key} = changes.{key}"
        )
        # Dropped now too: the same transaction may write another chunk.
        cursor.execute(f"DROP TABLE {scratch}")
