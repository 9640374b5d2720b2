"""The inbox: the header's count (no query per page: kept on the session),
one's own notices newest first and paginated, opening marks read and follows
the link, read all, and the mute settings."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from notices import inbox, services
from notices.models import Notice, NoticeMute

pytestmark = pytest.mark.django_db


def _send(users, n: int, kind=Notice.Kind.LEDGER_RETURNED):
    for i in range(n):
        services.notice_send(
            kind=kind, recipients=users, record_key=f"ledger:{i}", title=f"台账{i}被退回", url=f"/coverage/ledgers/{i}/"
        )


def _count(html: str) -> str | None:
    found = re.search(r"data-unread-notices[^>]*>([^<]+)<", html)
    return found.group(1) if found else None


def test_the_header_shows_the_count_from_the_session(client, beilin_user, yanta_user, django_assert_num_queries):
    _send([beilin_user, yanta_user], 3)
    client.force_login(beilin_user)  # counted at login
    home = client.get(reverse("home")).content.decode()
    assert _count(home) == "3" and 'href="/notices/"' in home
    # Within the minute the count costs no query: the page's queries are those without it.
    session = client.session
    session[inbox.SESSION_KEY] = [7, session[inbox.SESSION_KEY][1]]
    session.save()
    assert _count(client.get(reverse("notices:settings")).content.decode()) == "7"
    # Once stale it is counted again.
    session = client.session
    session[inbox.SESSION_KEY] = [7, 0]
    session.save()
    assert _count(client.get(reverse("notices:settings")).content.decode()) == "3"


def test_a_hundred_or_more_show_as_99_plus(client, beilin_user):
    _send([beilin_user], 100)
    client.force_login(beilin_user)
    assert _count(client.get(reverse("notices:inbox")).content.decode()) == "99+"


def test_the_inbox_lists_ones_own_newest_first_paginated(client, beilin_user, yanta_user):
    _send([beilin_user], 30)
    _send([yanta_user], 1, kind=Notice.Kind.LEDGER_ACCEPTED)
    client.force_login(beilin_user)
    first = client.get(reverse("notices:inbox"))
    notices = list(first.context["notices"])
    assert len(notices) == 25 and all(n.user_id == beilin_user.pk for n in notices)
    assert [n.pk for n in notices] == sorted((n.pk for n in notices), reverse=True)
    second = client.get(reverse("notices:inbox") + "?page=2")
    assert len(second.context["notices"]) == 5


def test_opening_marks_read_and_follows_the_link(client, beilin_user, yanta_user):
    _send([beilin_user, yanta_user], 2)
    client.force_login(beilin_user)
    mine = Notice.objects.filter(user=beilin_user).first()
    response = client.get(mine.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == mine.url
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert _count(client.get(reverse("home")).content.decode()) == "1"
    theirs = Notice.objects.get(user=yanta_user, record_key=mine.record_key)
    assert client.get(theirs.get_absolute_url()).status_code == 404


def test_read_all(client, beilin_user, yanta_user):
    _send([beilin_user, yanta_user], 3)
    client.force_login(beilin_user)
    assert client.get(reverse("notices:read-all")).status_code == 405
    response = client.post(reverse("notices:read-all"), follow=True)
    assert _count(response.content.decode()) is None
    assert Notice.objects.filter(read_at__isnull=True).count() == 3  # yanta's


def test_the_settings_page_mutes_kinds(client, beilin_user):
    client.force_login(beilin_user)
    response = client.post(
        reverse("notices:settings"), {"muted": [Notice.Kind.WARNING_OPENED, Notice.Kind.LEDGER_DUE]}, follow=True
    )
    assert response.status_code == 200
    assert set(NoticeMute.objects.filter(user=beilin_user).values_list("kind", flat=True)) == {
        Notice.Kind.WARNING_OPENED,
        Notice.Kind.LEDGER_DUE,
    }
    assert set(response.context["form"].initial["muted"]) == {Notice.Kind.WARNING_OPENED, Notice.Kind.LEDGER_DUE}


def test_anonymous_users_are_sent_to_log_in(client):
    assert client.get(reverse("notices:inbox")).status_code == 302
