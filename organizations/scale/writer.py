"""Bulk writes for the scale dataset: COPY on PostgreSQL, executemany on SQLite.

Rows are tuples in the order of the attribute names given; every other
concrete column of the table gets its field's default, so a column added by
a later migration (with a default) needs no change here. Primary keys of
rows that others refer to are handed out before the rows are written, so
that the rows of one chunk refer to each other without reading anything
back; the others are numbered by the database.

Foreign keys on PostgreSQL: Django's are deferred constraint triggers, one
check and one parent-row lock per inserted row at commit, which costs more
than the COPY itself. When the connection may do so (a superuser) and the
tables have no triggers of their own, a chunk is written with triggers off
(`session_replication_role = replica`, as pg_restore --disable-triggers
does) and its new rows' references are then checked in one anti-join per
foreign key before the chunk commits; a dangling reference rolls it back.
The only triggers of the tables' own that may be skipped are the
organisation-scope copies (engagement/organization_scope.py), which the
chunk's end then fills in one UPDATE per table.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, models
from django.db.models import ForeignKey, JSONField
from django.utils import timezone

from engagement import organization_scope
from ui import data_version

# COPY's CSV format reads an unquoted empty field as NULL by default; with
# \N as the NULL marker an empty string stays an empty string.
_NULL = r"\N"


class Writer:
    def __init__(self, connection, models_written: Sequence[type[models.Model]] = ()) -> None:
        self.connection = connection
        self.postgresql = connection.vendor == "postgresql"
        self.now = timezone.now()
        self._next_id: dict[type[models.Model], int] = {}
        self._before: dict[type[models.Model], int] = {}  # highest id before this chunk, per table written
        self.triggers_off = self.postgresql and self._may_skip_triggers(models_written)

    def _may_skip_triggers(self, models_written: Sequence[type[models.Model]]) -> bool:
        tables = [m._meta.db_table for m in models_written]
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('is_superuser') = 'on' AND NOT EXISTS ("
                " SELECT 1 FROM pg_trigger WHERE NOT tgisinternal AND tgrelid::regclass::text = ANY(%s)"
                " AND NOT tgname = ANY(%s))",
                [tables, sorted(organization_scope.TRIGGERS)],
            )
            return cursor.fetchone()[0]

    def begin_chunk(self) -> None:
        """Call first thing in each chunk's transaction."""
        self._before = {}
        if self.triggers_off:
            with self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")

    def ids(self, model: type[models.Model], count: int) -> list[int]:
        if not count:
            return []
        self._note(model)
        table = self.connection.ops.quote_name(model._meta.db_table)
        with self.connection.cursor() as cursor:
            if self.postgresql:
                # nextval, not max(id) + 1: safe beside any other writer.
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
                )
                return [row[0] for row in cursor.fetchall()]
            if model not in self._next_id:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
                self._next_id[model] = cursor.fetchone()[0]
        first = self._next_id[model]
        self._next_id[model] = first + count
        return list(range(first, first + count))

    def _note(self, model: type[models.Model]) -> None:
        if self.triggers_off and model not in self._before:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT COALESCE(MAX(id), 0) FROM {self.connection.ops.quote_name(model._meta.db_table)}"
                )
                self._before[model] = cursor.fetchone()[0]

    def _columns(self, model: type[models.Model], attnames: Sequence[str]) -> tuple[list, tuple]:
        fields = {f.attname: f for f in model._meta.local_concrete_fields}
        given = [fields[name] for name in attnames]
        # Without the primary key among the names, the database numbers the rows.
        rest = [f for f in fields.values() if f.attname not in attnames and f is not model._meta.pk]
        defaults = tuple(
            self.now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
            for f in rest
        )
        return given + rest, defaults

    def insert(self, model: type[models.Model], attnames: Sequence[str], rows: Iterable[tuple]) -> int:
        rows = list(rows)
        if not rows:
            return 0
        self._note(model)
        fields, defaults = self._columns(model, attnames)
        if self.postgresql:
            self._copy(model, fields, rows, defaults)
        else:
            self._executemany(model, fields, rows, defaults)
        return len(rows)

    def _copy(self, model, fields, rows, defaults) -> None:
        json_columns = [i for i, f in enumerate(fields) if isinstance(f, JSONField)]
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\n")
        for row in rows:
            values = [_NULL if v is None else v for v in row + defaults]
            for i in json_columns:
                if values[i] is not _NULL:
                    values[i] = json.dumps(values[i], ensure_ascii=False)
            out.writerow(values)
        buffer.seek(0)
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        with self.connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '{_NULL}')", buffer
            )
        # COPY goes through the driver's own cursor, past the watch on Django's.
        data_version.mark_written(self.connection)

    def _executemany(self, model, fields, rows, defaults) -> None:
        connection = self.connection
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
        )
        prepared = [
            [f.get_db_prep_save(v, connection) for f, v in zip(fields, row + defaults, strict=True)] for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, prepared)

    def end_chunk(self) -> int:
        """Call last thing in each chunk's transaction: checks the references
        the triggers did not, and turns them back on (within a test's outer
        transaction SET LOCAL would outlive the chunk). Returns the checks made."""
        if not self.triggers_off:
            return 0
        checks = self.check_references()
        with self.connection.cursor() as cursor:
            # The one kind of trigger of the tables' own that the writer lets
            # through (_may_skip_triggers): the scope copies, done set-based.
            for model, before in self._before.items():
                if model._meta.db_table in organization_scope.COPIES:
                    organization_scope.fill(cursor, model._meta.db_table, before)
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        return checks

    def check_references(self) -> int:
        """What the foreign-key triggers would have checked, for this chunk's
        rows, set-based; returns the number of checks made."""
        if not self.postgresql:
            return 0
        quote = self.connection.ops.quote_name
        checks = 0
        with self.connection.cursor() as cursor:
            for model, before in self._before.items():
                for field in model._meta.local_concrete_fields:
                    if not isinstance(field, ForeignKey) or not field.db_constraint:
                        continue
                    child, column = quote(model._meta.db_table), quote(field.column)
                    parent = quote(field.related_model._meta.db_table)
                    target = quote(field.target_field.column)
                    cursor.execute(
                        f"SELECT c.id, c.{column} FROM {child} c WHERE c.id > %s AND c.{column} IS NOT NULL "
                        f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{target} = c.{column}) LIMIT 1",
                        [before],
                    )
                    dangling = cursor.fetchone()
                    checks += 1
                    if dangling:
                        raise IntegrityError(
                            f"{model._meta.db_table}.{field.column} = {dangling[1]} (row {dangling[0]}) "
                            f"refers to no {field.related_model._meta.db_table} row"
                        )
        return checks
