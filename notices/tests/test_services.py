"""notice_send: idempotent by a database constraint, skips muted users,
emails once after the commit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from accounts.models import User
from notices import services
from notices.models import Notice, NoticeMute

pytestmark = pytest.mark.django_db

KIND = Notice.Kind.LEDGER_RETURNED


def _send(users, occasion="1"):
    return services.notice_send(
        kind=KIND, recipients=users, record_key="ledger:1", occasion=occasion, title="台账被退回", url="/x/"
    )


def test_sending_twice_writes_and_emails_once(beilin_user, yanta_user, django_capture_on_commit_callbacks):
    beilin_user.email = "b@example.org"
    beilin_user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        _send([beilin_user, yanta_user])
    with django_capture_on_commit_callbacks(execute=True):
        _send([beilin_user, yanta_user])
    assert Notice.objects.count() == 2
    assert [m.to for m in mail.outbox] == [["b@example.org"]]
    assert Notice.objects.get(user=beilin_user).emailed_at is not None
    # Another occasion of the same record is another notice.
    _send([beilin_user], occasion="2")
    assert Notice.objects.filter(user=beilin_user).count() == 2


def test_the_database_refuses_a_duplicate(beilin_user):
    _send([beilin_user])
    notice = Notice.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notice.objects.create(
            user=beilin_user,
            kind=KIND,
            record_key="ledger:1",
            occasion="1",
            title="x",
            url="/",
            created_at=notice.created_at,
        )


def test_no_email_when_the_transaction_rolls_back(beilin_user, django_capture_on_commit_callbacks):
    beilin_user.email = "b@example.org"
    beilin_user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _send([beilin_user])
    # The callback is queued for the commit, not run: a rolled-back event sends nothing.
    assert len(callbacks) == 1 and mail.outbox == []


def test_a_muted_kind_is_neither_written_nor_emailed(beilin_user, yanta_user):
    services.notice_mutes_set(user=beilin_user, kinds=[KIND, "not-a-kind"])
    assert set(NoticeMute.objects.values_list("user__username", "kind")) == {("beilin", KIND)}
    assert _send([beilin_user, yanta_user]) == 1
    assert list(Notice.objects.values_list("user__username", flat=True)) == ["yanta"]
    # Other kinds still arrive; unmuting lets the kind through again.
    services.notice_send(
        kind=Notice.Kind.LEDGER_ACCEPTED, recipients=[beilin_user], record_key="ledger:1", title="t", url="/"
    )
    services.notice_mutes_set(user=beilin_user, kinds=[])
    _send([beilin_user], occasion="2")
    assert Notice.objects.filter(user=beilin_user).count() == 2


def test_a_muted_kind_is_left_out_of_a_recipients_query(beilin_user, yanta_user, django_assert_num_queries):
    services.notice_mutes_set(user=beilin_user, kinds=[KIND])
    users = User.objects.filter(pk__in=[beilin_user.pk, yanta_user.pk])
    # The recipients (mutes excluded in the same query) and the INSERT: two queries.
    with django_assert_num_queries(2):
        assert _send(users) == 1
    assert list(Notice.objects.values_list("user__username", flat=True)) == ["yanta"]


def test_inactive_users_get_nothing(beilin_user):
    beilin_user.is_active = False
    assert _send([beilin_user]) == 0
    assert not Notice.objects.exists()


def test_reading(beilin_user, yanta_user):
    _send([beilin_user, yanta_user])
    _send([beilin_user], occasion="2")
    mine = Notice.objects.filter(user=beilin_user).first()
    services.notice_open(user=beilin_user, notice=mine)
    assert Notice.objects.filter(read_at__isnull=True).count() == 2
    with pytest.raises(PermissionDenied):
        services.notice_open(user=yanta_user, notice=Notice.objects.filter(user=beilin_user).last())
    assert services.notices_read_all(user=beilin_user) == 1
    assert list(Notice.objects.filter(read_at__isnull=True).values_list("user__username", flat=True)) == ["yanta"]
