"""Which half-years the period selectors offer and which is the default."""

import datetime as dt

import pytest
from django.test import override_settings

from coverage.recount import selectors, services
from coverage.recount.periods import HalfYear

pytestmark = pytest.mark.django_db

DEMO_HALVES = ("2019H1", "2019H2", "2020H1", "2020H2")


@pytest.fixture
def demo_periods(dataset):
    """The demo's four recounted half-years, plus what a stray recount or a
    ledger may have left behind: 2026H1 recounted (a demo run once on the real
    date), 2021H1 on record without a recount."""
    for code in (*DEMO_HALVES, "2026H1"):
        services.recount_run(period=code)
    services.period_get(period="2021H1")
    return dataset


def _codes(periods):
    return [p.code for p in periods]


@pytest.mark.parametrize(
    ("today", "due"),
    [
        ("2020-12-30", "2020H1"),
        ("2020-12-31", "2020H2"),  # a half-year is due on its last day
        ("2021-01-01", "2020H2"),
        ("2021-06-30", "2021H1"),
        ("2021-07-01", "2021H1"),
    ],
)
def test_last_due(today, due):
    assert selectors.last_due(dt.date.fromisoformat(today)) == HalfYear.parse(due)


@override_settings(CLOCK_TODAY="2020-12-31")
def test_on_the_demo_day_2026h1_is_never_offered(demo_periods):
    assert _codes(selectors.periods_with_snapshots()) == ["2020H2", "2020H1", "2019H2", "2019H1"]
    assert _codes(selectors.periods_due()) == ["2020H2", "2020H1", "2019H2", "2019H1"]
    assert selectors.period_or_latest(None).code == "2020H2"
    assert selectors.period_or_latest("2020H1").code == "2020H1"
    # Asked for by hand: a future or unrecounted half-year falls back to the default.
    assert selectors.period_or_latest("2026H1").code == "2020H2"
    assert selectors.period_or_latest("2021H1").code == "2020H2"
    assert selectors.period_or_latest("nonsense").code == "2020H2"
    assert selectors.recount_choices() == ["2020H2", "2020H1", "2019H2", "2019H1"]


@override_settings(CLOCK_TODAY="2020-12-30")
def test_the_current_half_year_is_listed_but_not_the_default(demo_periods):
    assert _codes(selectors.periods_with_snapshots())[:2] == ["2020H2", "2020H1"]
    assert selectors.period_or_latest(None).code == "2020H1"
    assert selectors.period_or_latest("2020H2").code == "2020H2"


@override_settings(CLOCK_TODAY="2021-03-15")
def test_the_recount_button_offers_the_current_half_year_before_its_first_recount(demo_periods):
    assert selectors.recount_choices() == ["2021H1", "2020H2", "2020H1", "2019H2", "2019H1"]
    # 2021H1 has no figures yet: the page stays on the last half-year that has them.
    assert selectors.period_or_latest(None).code == "2020H2"


@override_settings(CLOCK_TODAY="2020-03-01")
def test_when_only_the_current_half_year_is_recounted_it_is_shown(dataset):
    services.recount_run(period="2020H1")
    assert selectors.period_or_latest(None).code == "2020H1"
    assert list(selectors.periods_due()) == []
