"""A token that changes whenever the data changes, so that a rendered page can
be kept and served again until then (ui/fragments.py).

Why at the level of SQL rather than per model or per service: a cached page
reads snapshots, tallies, warnings, ratings, engagement records, brands,
ledgers and users, written by services, signals, imports, the recount, seeds
and the admin. A version that each writer had to remember to bump would be
as good as the writer that forgot. Instead every database connection in every
process (web, Celery worker, management command) carries an execute wrapper
(`install`, from UiConfig.ready) that sees each statement Django sends: a
statement that changes rows of any table not in IGNORED_TABLES marks its
transaction, and when that transaction commits the token is replaced by a new
random one. Writes that bypass Django's cursor (PostgreSQL COPY through the
driver's own cursor, a restore with pg_restore) call `mark_written()` or
`bump()` themselves.

Why a random token rather than a counter: a database restored from a backup,
or flushed between tests, would bring back an old counter value and with it
pages cached for other data; a token is never reused.

Why after the commit: a reader who sees the new token is then sure to see the
committed data. A reader who read the old token while the write committed
may keep what it rendered under the old token, which nobody asks for again.

While a transaction holding uncommitted writes is open on this connection
(`has_uncommitted_writes`), nothing is cached: what would be rendered is not
yet what others see. Tests that run inside one transaction therefore never
read a cached page.
"""

from __future__ import annotations

import logging
import re
import uuid

from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "ui_dataversion"
ROW_ID = 1

# Tables whose writes change no kept page (ui/tests/test_kept_pages.py reads
# every table the kept pages read, for four kinds of user, and checks that
# none is here): the sessions (renewed once a minute), this token's own row
# and Celery beat's bookkeeping (every two minutes).
IGNORED_TABLES = frozenset({"django_session", TABLE})
IGNORED_PREFIXES = ("django_celery_beat_",)

# Statements that read (or only steer a transaction); anything else may write.
_READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "BEGIN", "SET ", "SHOW", "EXPLAIN", "PRAGMA")
_WRITE_VERB = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE)\b", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
_TARGET = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)

logger = logging.getLogger(__name__)


def _head(sql: str) -> str:
    """The statement's first word or so, upper-cased, without copying a long statement."""
    return sql[:32].lstrip()[:10].upper()


def _may_write(sql: str, head: str) -> bool:
    if head.startswith(_READS):
        return False
    if head.startswith("WITH"):
        return bool(_WRITE_VERB.search(sql))
    return True


def _ignored(sql: str) -> bool:
    match = _TARGET.match(sql)
    if match is None:
        return False
    table = match.group(1).lower()
    return table in IGNORED_TABLES or table.startswith(IGNORED_PREFIXES)


def _changed_rows(sql: str, head: str, cursor) -> bool:
    # An UPDATE or DELETE that matched nothing (the reaper every two minutes,
    # say) changed nothing: rowcount 0. Where rowcount is not yet known (an
    # INSERT … RETURNING on SQLite counts only rows fetched) or is -1: a change.
    if not head.startswith(("UPDATE", "DELETE")) or _RETURNING.search(sql):
        return True
    try:
        return cursor.rowcount != 0
    except Exception:  # noqa: BLE001 (a driver without rowcount: assume a change)
        return True


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not isinstance(sql, str):
        return result
    head = _head(sql)
    if _may_write(sql, head) and not _ignored(sql) and _changed_rows(sql, head, context["cursor"]):
        mark_written(context["connection"])
    return result


def install(sender=None, connection: BaseDatabaseWrapper | None = None, **kwargs) -> None:  # noqa: ARG001
    """Watches `connection`'s statements (a `connection_created` receiver)."""
    # Not the server-level connection that creates and drops test databases.
    if connection is None or connection.alias not in connections.settings:
        return
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def mark_written(connection: BaseDatabaseWrapper | None = None) -> None:
    """This connection's transaction changed data: a new token when it commits
    (at once outside a transaction), once per transaction."""
    connection = connection or connections["default"]
    if connection.in_atomic_block and _bump_pending(connection):
        return
    connection.on_commit(_Bump(connection))


class _Bump:
    """The on-commit callback that replaces the token. Django drops it with the
    transaction or savepoint that rolls back, so whether one is pending is read
    from the connection's own list, never from a flag a rollback would leave behind."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    def __call__(self) -> None:
        try:
            bump(self.connection)
        except DatabaseError:
            # During `migrate`, another app's migration writes before ui's has
            # made the table: nothing can have been kept against a token yet.
            # Anything else is worth a line in the log; the kept parts expire on
            # their own.
            if TABLE in self.connection.introspection.table_names():
                logger.exception("the data version was not replaced after a commit")


def _bump_pending(connection: BaseDatabaseWrapper) -> bool:
    return any(isinstance(entry[1], _Bump) for entry in connection.run_on_commit)


def has_uncommitted_writes(connection: BaseDatabaseWrapper | None = None) -> bool:
    connection = connection or connections["default"]
    return connection.in_atomic_block and _bump_pending(connection)


def bump(connection: BaseDatabaseWrapper | None = None) -> str:
    """Replaces the token (creating its row if a flush or a restore removed it)."""
    connection = connection or connections["default"]
    token = uuid.uuid4().hex
    with connection.cursor() as cursor:
        # One statement, the same on SQLite and PostgreSQL, safe when two processes bump at once.
        cursor.execute(
            f"INSERT INTO {TABLE} (id, token) VALUES (%s, %s) ON CONFLICT (id) DO UPDATE SET token = excluded.token",  # noqa: S608 (constants)
            [ROW_ID, token],
        )
    return token


def current(connection: BaseDatabaseWrapper | None = None) -> str:
    """The token now: one indexed read."""
    connection = connection or connections["default"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TABLE} WHERE id = %s", [ROW_ID])  # noqa: S608 (constants)
        row = cursor.fetchone()
    return row[0] if row else bump(connection)
