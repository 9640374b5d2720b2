"""The demo's political building: rates that differ by district, within the
ranges the demo aims at, and dates that never run past the demo's day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from coverage.models import Snapshot
from political.models import PoliticalBuilding

pytestmark = pytest.mark.django_db


def test_demo_rates_differ_by_district_and_reach_the_snapshots():
    call_command("seed_demo")
    assert PoliticalBuilding.objects.exists()
    latest = dt.date(2020, 12, 31)
    for field in ("charter_on", "cross_appointed_on", "secretary_meetings_on", "consultation_on"):
        assert not PoliticalBuilding.objects.filter(**{f"{field}__gt": latest}).exists()
        # Mostly before 2020, some within it (a party organisation founded
        # in 2020 brings its secretary's meetings with it, so those lean later).
        before = PoliticalBuilding.objects.filter(**{f"{field}__lt": dt.date(2020, 1, 1)}).count()
        within = PoliticalBuilding.objects.filter(**{f"{field}__gte": dt.date(2020, 1, 1)}).count()
        assert before > 0 and within > 0, field
        if field == "charter_on":
            assert before > within
    # The recount history (coverage's step, after this one) carries the rates.
    districts = Snapshot.objects.filter(
        period__year=2020, period__half=2, scope=Snapshot.Scope.AREA, organizations__gte=40
    )
    charter = [row.charter_rate for row in districts]
    cross = [row.cross_appointed_rate for row in districts]
    assert len(set(charter)) > 5 and len(set(cross)) > 5
    assert all(Decimal("0.45") <= rate <= Decimal("0.97") for rate in charter), charter
    assert all(Decimal("0.25") <= rate <= Decimal("0.75") for rate in cross), cross
    city = Snapshot.objects.get(period__year=2020, period__half=2, scope=Snapshot.Scope.CITY)
    earlier = Snapshot.objects.get(period__year=2020, period__half=1, scope=Snapshot.Scope.CITY)
    assert Decimal("0.5") <= city.charter_rate <= Decimal("0.9")
    assert earlier.charter < city.charter
