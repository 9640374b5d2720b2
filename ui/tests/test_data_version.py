"""The data version token (ui/data_version.py): replaced after every committed
change of data, by whatever path it was written, and only then.

These tests commit, so they run outside the usual per-test transaction."""

from __future__ import annotations

import threading

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.tests.factories import UserFactory
from organizations.models import Area
from organizations.tests.factories import SupervisingUnitFactory
from ui import data_version

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_commit_replaces_the_token_and_not_before():
    before = data_version.current()
    with transaction.atomic():
        UserFactory()
        assert data_version.has_uncommitted_writes()
        assert data_version.current() == before  # others do not see the write yet
    assert not data_version.has_uncommitted_writes()
    assert data_version.current() != before


def test_a_write_outside_a_transaction_replaces_it_at_once():
    before = data_version.current()
    SupervisingUnitFactory()
    assert data_version.current() != before


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda user: User.objects.filter(pk=user.pk).update(first_name="新"), id="queryset update"),
        pytest.param(lambda user: user.delete(), id="delete"),
        pytest.param(lambda _user: UserFactory.create_batch(3), id="create"),
        pytest.param(
            lambda _user: User.objects.bulk_create([User(username="bulk1"), User(username="bulk2")]), id="bulk_create"
        ),
        pytest.param(
            lambda user: connection.cursor().execute(
                "UPDATE accounts_user SET first_name = %s WHERE id = %s", ["原始", user.pk]
            ),
            id="raw SQL",
        ),
        pytest.param(lambda _user: data_version.mark_written(), id="COPY (marked by its writer)"),
    ],
)
def test_every_kind_of_write_replaces_it(write):
    user = UserFactory()
    before = data_version.current()
    with transaction.atomic():
        write(user)
    assert data_version.current() != before


def test_a_rolled_back_write_keeps_it():
    before = data_version.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        UserFactory()
        raise RuntimeError
    assert data_version.current() == before
    assert not data_version.has_uncommitted_writes()


def test_a_write_after_a_rolled_back_one_replaces_it():
    # The rolled-back transaction's pending replacement goes with it: the next
    # transaction on the same connection must queue its own.
    with pytest.raises(RuntimeError), transaction.atomic():
        UserFactory()
        raise RuntimeError
    before = data_version.current()
    with transaction.atomic():
        UserFactory()
    assert data_version.current() != before


def test_a_write_in_a_rolled_back_savepoint_leaves_the_outer_write_counted():
    before = data_version.current()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            UserFactory()
            raise RuntimeError
        assert not data_version.has_uncommitted_writes()
        UserFactory()
        assert data_version.has_uncommitted_writes()
    assert data_version.current() != before


def test_a_change_of_nothing_keeps_it():
    # The reaper's UPDATE every two minutes usually matches no row.
    before = data_version.current()
    User.objects.filter(pk=-1).update(first_name="无")
    Area.objects.filter(pk=-1).delete()
    assert data_version.current() == before


def test_sessions_keep_it():
    before = data_version.current()
    session = SessionStore()
    session["seen"] = True
    session.save()
    assert data_version.current() == before


def test_one_new_token_per_transaction():
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        UserFactory.create_batch(3)
        SupervisingUnitFactory()
    bumps = [q["sql"] for q in queries.captured_queries if data_version.TABLE in q["sql"]]
    assert len(bumps) == 1, bumps


def test_a_removed_row_is_made_again():
    # A flush between tests or a restore from an older dump.
    connection.cursor().execute(f"DELETE FROM {data_version.TABLE}")  # noqa: S608 (a constant)
    token = data_version.current()
    assert len(token) == 32
    assert data_version.current() == token


def test_every_connection_watches_its_writes():
    seen = []

    def in_another_thread():
        try:
            connections["default"].ensure_connection()
            seen.append(data_version._watch in connections["default"].execute_wrappers)
        finally:
            connections.close_all()

    connection.ensure_connection()
    thread = threading.Thread(target=in_another_thread)
    thread.start()
    thread.join()
    assert data_version._watch in connection.execute_wrappers
    assert seen == [True]
