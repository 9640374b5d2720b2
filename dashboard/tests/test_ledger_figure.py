"""Ledger completeness and punctuality on the dashboard, counted here from
the ledgers the test writes, and the ledger list the figure opens."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from coverage.models import Ledger, Period
from organizations.tests.factories import AreaFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def _ledger(period, area, status, submitted_on=None):
    return Ledger.objects.create(
        period=period,
        area=area,
        status=status,
        return_reason="补充" if status == Ledger.Status.RETURNED else "",
        due_on=dt.date(2021, 1, 15),
        submitted_at=dt.datetime.combine(submitted_on, dt.time(2), tzinfo=dt.UTC) if submitted_on else None,
    )


@pytest.fixture
def ledgers(recounted, city, beilin, yanta, justice):
    period = Period.objects.get(year=2020, half=2)
    zone = AreaFactory(code="610199", name="高新区", parent=city, level="zone")
    lianhu = AreaFactory(code="610104", name="莲湖区", parent=city, level="district")
    _ledger(period, beilin, Ledger.Status.ACCEPTED, dt.date(2021, 1, 10))  # on time
    _ledger(period, yanta, Ledger.Status.SUBMITTED, dt.date(2021, 1, 20))  # late
    _ledger(period, zone, Ledger.Status.RETURNED, dt.date(2021, 1, 5))  # came in, sent back: owed again
    # Lianhu and the lawyers' committee owe theirs and sent nothing.
    return {"period": period, "owed": [beilin, yanta, zone, lianhu, justice]}


def _figure(page: str, name: str) -> str:
    return re.search(rf'data-ledgers="{name}">([^<]*)<', page).group(1)


def _href(page: str, name: str) -> str:
    anchors = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(?:(?!</a>).)*data-ledgers="' + name, page, re.S)
    return anchors[-1].replace("&amp;", "&")


def test_city_sees_every_owed_ledger(login, staff_user, ledgers):
    client = login(staff_user)
    page = client.get(HOME + "?period=2020H2").content.decode()
    expected = len(ledgers["owed"])
    received = Ledger.objects.filter(period=ledgers["period"], status__in=["submitted", "accepted"]).count()
    assert (_figure(page, "received"), _figure(page, "expected")) == (str(received), str(expected))
    assert (received, expected) == (2, 5)
    assert _figure(page, "on_time") == "50.0%"  # Beilin's of Beilin's and Yanta's
    # The figure opens the ledger list filtered to exactly those rows.
    listed = client.get(_href(page, "received"))
    assert sorted(row.label for row in listed.context["table"].data) == ["碑林区", "雁塔区"]
    on_time = client.get(_href(page, "on_time"))
    assert [row.label for row in on_time.context["table"].data] == ["碑林区"]
    assert "data-row-filters" in on_time.content.decode()


def test_district_sees_its_own_ledger_only(login, beilin_user, yanta_user, ledgers):
    page = login(beilin_user).get(HOME + "?period=2020H2").content.decode()
    assert (_figure(page, "received"), _figure(page, "expected"), _figure(page, "on_time")) == ("1", "1", "100.0%")
    page = login(yanta_user).get(HOME + "?period=2020H2").content.decode()
    assert (_figure(page, "received"), _figure(page, "expected"), _figure(page, "on_time")) == ("1", "1", "0.0%")


def test_no_ledger_in_yet(login, staff_user, recounted):
    page = login(staff_user).get(HOME + "?period=2020H1").content.decode()
    assert _figure(page, "received") == "0"
    assert _figure(page, "on_time") == "—"
