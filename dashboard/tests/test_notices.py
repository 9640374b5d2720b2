"""Leadership notices after a recount: one per leader, half-year and run
(notices.Notice of kind "recount"), with the briefing's sentences; an email
to those with an address once the job's transaction commits; running again
adds nothing."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from coverage import tasks as coverage_tasks
from coverage.models import Period, RecountRun
from dashboard.leadership.briefing import briefing
from dashboard.leadership.notices import notices_for_recount
from dashboard.tasks import recount_notices
from dashboard.tests import test_briefing
from notices.models import Notice

pytestmark = pytest.mark.django_db

city_2020 = test_briefing.city_2020


@pytest.fixture
def leaders(db):
    return [
        UserFactory(username="leader", role=User.Role.LEADER, email="leader@example.org"),
        UserFactory(username="leader2", role=User.Role.LEADER, email=""),
    ]


def _last_run(code="2020H2") -> RecountRun:
    return RecountRun.objects.filter(period__year=int(code[:4]), period__half=int(code[-1])).latest("pk")


def _of(run: RecountRun):
    return Notice.objects.filter(kind=Notice.Kind.RECOUNT, record_key=f"recount:{run.pk}")


def test_each_leader_gets_one_notice_with_the_briefings_sentences(
    leaders, staff_user, beilin_user, city_2020, django_capture_on_commit_callbacks
):
    run = _last_run()
    with django_capture_on_commit_callbacks(execute=True):
        assert notices_for_recount(run_id=run.pk) == 2
    notices = _of(run)
    assert sorted(n.user.username for n in notices) == ["leader", "leader2"]
    period = Period.objects.get(year=2020, half=2)
    expected = briefing(leaders[0], period, Period.objects.get(year=2020, half=1)).sentences
    assert len(expected) == 5
    for notice in notices:
        assert notice.lines == expected
        assert notice.occasion == period.code and "2020H2" in notice.title
    # Only the leader with an address is emailed, once, with the summary and the link.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["leader@example.org"]
    assert expected[0] in message.body and "/dashboard/briefing/?period=2020H2" in message.body


def test_running_twice_gives_one_notice_and_one_email(leaders, city_2020, django_capture_on_commit_callbacks):
    run = _last_run()
    with django_capture_on_commit_callbacks(execute=True):
        assert recount_notices(run.pk) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert recount_notices(run.pk) == 0
    assert _of(run).count() == 2
    assert len(mail.outbox) == 1


def test_the_database_refuses_a_second_notice(leaders, city_2020):
    run = _last_run()
    notices_for_recount(run_id=run.pk)
    notice = _of(run).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notice.objects.create(
            user=notice.user,
            kind=notice.kind,
            record_key=notice.record_key,
            occasion=notice.occasion,
            title="x",
            body="y",
            url=notice.url,
            created_at=notice.created_at,
        )


def test_a_new_recount_is_a_new_notice_and_a_failed_one_none(leaders, city_2020):
    notices_for_recount(run_id=_last_run().pk)
    failed = RecountRun.objects.create(period=Period.objects.get(year=2020, half=2), status=RecountRun.Status.FAILED)
    assert notices_for_recount(run_id=failed.pk) == 0
    assert notices_for_recount(run_id=_last_run("2020H1").pk) == 2
    assert Notice.objects.count() == 4


def test_a_successful_recount_task_notifies_after_commit(leaders, city_2020, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        coverage_tasks.recount("2020H2")
    run = _last_run()
    assert run.status == RecountRun.Status.SUCCEEDED
    assert _of(run).count() == 2


def test_notice_pages_are_the_users_own(client, leaders, city_2020):
    notices_for_recount(run_id=_last_run().pk)
    mine = Notice.objects.get(user=leaders[0])
    theirs = Notice.objects.get(user=leaders[1])
    client.force_login(leaders[0])
    home = client.get(reverse("home")).content.decode()
    assert re.search(r"data-unread-notices[^>]*>1<", home)
    page = client.get(reverse("notices:inbox"))
    assert [n.pk for n in page.context["notices"]] == [mine.pk]
    assert mine.lines[0] in page.content.decode()
    response = client.get(mine.get_absolute_url())
    assert response.status_code == 302 and response["Location"].endswith("/dashboard/briefing/?period=2020H2")
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert "data-unread-notices" not in client.get(reverse("home")).content.decode()
