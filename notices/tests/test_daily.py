"""The daily job: ledgers and rectifications due within 7 days or overdue,
to the officials of their scope, once however often it runs."""

from __future__ import annotations

import datetime as dt

import pytest

from coverage.models import EarlyWarning, Ledger, Period
from coverage.tests.warnings.records import healthy_party
from coverage.warnings.scan import warning_scan
from notices import daily
from notices.models import Notice
from notices.tasks import notices_due

pytestmark = pytest.mark.django_db

# 2020H2 ends on 31 December; its ledgers fall due on 31 January 2021.
DUE = dt.date(2021, 1, 31)


def _told(kind: str) -> list[tuple[str, str]]:
    return sorted(Notice.objects.filter(kind=kind).values_list("user__username", "occasion"))


@pytest.fixture
def h2(db):
    return Period.objects.get_or_create(year=2020, half=2)[0]


def test_ledgers_not_submitted_are_due_within_a_week(h2, beilin_user, yanta_user, lawyers_user, staff_user):
    # yanta has submitted; beilin has a draft with the default date; the lawyers have no row yet.
    Ledger.objects.create(period=h2, area=beilin_user.area, due_on=DUE)
    Ledger.objects.create(period=h2, area=yanta_user.area, due_on=DUE, status=Ledger.Status.SUBMITTED)
    assert daily.notices_due(today=DUE - dt.timedelta(days=8))[Notice.Kind.LEDGER_DUE] == 0
    daily.notices_due(today=DUE - dt.timedelta(days=7))
    assert _told(Notice.Kind.LEDGER_DUE) == [("beilin", "2021-01-31"), ("lawyers", "2021-01-31")]
    notice = Notice.objects.get(kind=Notice.Kind.LEDGER_DUE, user=beilin_user)
    assert notice.url == f"/coverage/ledgers/{Ledger.objects.get(area=beilin_user.area).pk}/"
    lawyers = Notice.objects.get(kind=Notice.Kind.LEDGER_DUE, user=lawyers_user)
    assert lawyers.url == "/coverage/ledgers/submit/?period=2020H2"


def test_overdue_ledgers_and_running_twice_adds_nothing(h2, beilin_user, yanta_user, staff_user):
    Ledger.objects.create(period=h2, area=yanta_user.area, due_on=DUE, status=Ledger.Status.ACCEPTED)
    late = DUE + dt.timedelta(days=1)
    first = daily.notices_due(today=late)
    assert first[Notice.Kind.LEDGER_OVERDUE] == 1
    assert _told(Notice.Kind.LEDGER_OVERDUE) == [("beilin", "2021-01-31")]
    # The next day (and a redelivered task) finds the notice already there.
    daily.notices_due(today=late + dt.timedelta(days=1))
    daily.notices_due(today=late + dt.timedelta(days=1))
    assert Notice.objects.filter(kind=Notice.Kind.LEDGER_OVERDUE).count() == 1
    assert not Notice.objects.filter(user__in=[yanta_user, staff_user]).exists()


def test_rectifications_due_and_overdue(beilin, yanta, beilin_user, yanta_user, lawyers_user, settings):
    today = dt.date(2021, 1, 15)
    settings.CLOCK_TODAY = today
    healthy_party(beilin, secretary="")
    healthy_party(yanta, secretary="")
    warning_scan(today=today)
    beilin_warning = EarlyWarning.objects.get(area=beilin)
    yanta_warning = EarlyWarning.objects.get(area=yanta)
    EarlyWarning.objects.filter(pk=beilin_warning.pk).update(rectification_due_on=today + dt.timedelta(days=3))
    EarlyWarning.objects.filter(pk=yanta_warning.pk).update(rectification_due_on=today - dt.timedelta(days=1))
    notices_due()
    notices_due()
    assert _told(Notice.Kind.RECTIFICATION_DUE) == [("beilin", "2021-01-18")]
    assert _told(Notice.Kind.RECTIFICATION_OVERDUE) == [("yanta", "2021-01-14")]
    # Moving the due date is a new occasion.
    EarlyWarning.objects.filter(pk=beilin_warning.pk).update(rectification_due_on=today + dt.timedelta(days=5))
    notices_due()
    assert _told(Notice.Kind.RECTIFICATION_DUE) == [("beilin", "2021-01-18"), ("beilin", "2021-01-20")]
    assert not Notice.objects.filter(kind__startswith="rectification", user=lawyers_user).exists()
