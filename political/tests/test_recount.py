"""The rates (入章率, 交叉任职率 …) come out of the records, for two half-years:
an indicator true since 2020-03 counts in 2020H1 and 2020H2, one true since
2020-09 only in 2020H2; a deregistered organisation counts in neither. Each
rate's link opens exactly the organisations behind its numerator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from coverage.models import Snapshot
from coverage.recount import services
from coverage.recount.links import figure_url
from political.models import PoliticalBuilding

pytestmark = pytest.mark.django_db

MARCH, SEPTEMBER = dt.date(2020, 3, 1), dt.date(2020, 9, 1)


@pytest.fixture
def political(dataset):
    d = dataset
    PoliticalBuilding.objects.create(
        organization=d.a,
        charter_on=MARCH,
        members_in_management=1,
        management_on_committee=2,
        cross_appointed_on=MARCH,
    )
    PoliticalBuilding.objects.create(organization=d.b, charter_on=SEPTEMBER)
    PoliticalBuilding.objects.create(
        organization=d.c,
        members_in_management=3,
        management_on_committee=1,
        cross_appointed_on=SEPTEMBER,
        consultation_on=MARCH,
    )
    PoliticalBuilding.objects.create(organization=d.d, secretary_meetings_on=SEPTEMBER)
    PoliticalBuilding.objects.create(organization=d.g, charter_on=dt.date(2019, 1, 1))
    # Deregistered on 2020-03-01: in no half-year's count of 2020.
    PoliticalBuilding.objects.create(organization=d.h, charter_on=dt.date(2019, 1, 1))
    services.recount_run(period="2020H1")
    services.recount_run(period="2020H2")
    return d


def _row(code: str, scope: str, key: str) -> Snapshot:
    return Snapshot.objects.get(period__year=int(code[:4]), period__half=int(code[-1]), scope=scope, scope_key=key)


def _rate(n: int, total: int) -> Decimal:
    return (Decimal(n) / Decimal(total)).quantize(Decimal("0.0001"))


# half-year -> scope key -> (charter, cross_appointed, secretary_meetings, consultation, organisations)
EXPECTED = {
    "2020H1": {("city", "city"): (2, 1, 0, 1, 7), ("area", "610103"): (1, 1, 0, 1, 6)},
    "2020H2": {("city", "city"): (3, 2, 1, 1, 7), ("area", "610103"): (2, 2, 1, 1, 6)},
}


@pytest.mark.parametrize("code", ["2020H1", "2020H2"])
def test_counts_and_rates_per_half_year(political, code):
    for (scope, key), (charter, cross, meetings, consultation, total) in EXPECTED[code].items():
        row = _row(code, scope, key)
        assert row.organizations == total
        assert (row.charter, row.cross_appointed, row.secretary_meetings, row.consultation) == (
            charter,
            cross,
            meetings,
            consultation,
        )
        assert row.charter_rate == _rate(charter, total)
        assert row.cross_appointed_rate == _rate(cross, total)
        assert row.secretary_meetings_rate == _rate(meetings, total)
        assert row.consultation_rate == _rate(consultation, total)


def test_subdistrict_rows_add_up_to_the_district(political):
    for code in ("2020H1", "2020H2"):
        district = _row(code, "area", "610103")
        subs = Snapshot.objects.filter(
            period=district.period, scope=Snapshot.Scope.SUBDISTRICT, scope_key__startswith="610103:"
        )
        assert sum(s.charter for s in subs) == district.charter
        assert sum(s.cross_appointed for s in subs) == district.cross_appointed


@pytest.mark.parametrize(
    ("code", "charter", "cross"),
    [("2020H1", {"a", "g"}, {"a"}), ("2020H2", {"a", "b", "g"}, {"a", "c"})],
)
def test_each_rate_opens_exactly_its_organisations(political, login, staff_user, beilin_user, code, charter, cross):
    d = political
    row = _row(code, "city", "city")
    client = login(staff_user)
    for rate, names in (("charter_rate", charter), ("cross_appointed_rate", cross)):
        response = client.get(figure_url(rate, row))
        shown = {r.record.pk for r in response.context["table"].page.object_list}
        assert shown == {getattr(d, n).pk for n in names}
        assert len(shown) == getattr(row, rate.removesuffix("_rate"))
    # A district's own figure opens its own organisations only.
    beilin_row = _row(code, "area", "610103")
    response = login(beilin_user).get(figure_url("charter_rate", beilin_row))
    shown = {r.record.pk for r in response.context["table"].page.object_list}
    assert shown == {getattr(d, n).pk for n in charter - {"g"}}


def test_the_list_without_a_half_year_asks_about_today(political, login, staff_user):
    d = political
    response = login(staff_user).get(reverse("organizations:organization-list"), {"charter": "false"})
    shown = {r.record.pk for r in response.context["table"].page.object_list}
    # Active organisations without the charter today (h is deregistered: in no rate).
    assert shown == {d.c.pk, d.d.pk, d.e.pk, d.f.pk}
