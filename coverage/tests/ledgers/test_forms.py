"""The half-years the ledger forms offer: ended, recounted, newest first."""

import pytest
from django.test import override_settings
from django.urls import reverse

from coverage.ledgers import selectors
from coverage.ledgers.forms import LedgerImportForm, LedgerSubmitForm
from coverage.recount import services

pytestmark = pytest.mark.django_db

DEMO = ["2020H2", "2020H1", "2019H2", "2019H1"]


@pytest.fixture
def demo_periods(dataset):
    """The demo's recounted half-years, a stray future recount (2026H1) and
    a half-year on record with no recount (2021H1)."""
    for code in (*DEMO, "2026H1"):
        services.recount_run(period=code)
    services.period_get(period="2021H1")
    return dataset


def _choices(form):
    return [code for code, _label in form.fields["period"].choices]


@override_settings(CLOCK_TODAY="2020-12-31")
def test_on_the_demo_day_the_forms_offer_the_recounted_half_years_newest_first(demo_periods, staff_user):
    assert selectors.ledger_period_choices() == DEMO
    for form in (LedgerSubmitForm(), LedgerImportForm(user=staff_user)):
        assert _choices(form) == DEMO
        assert form["period"].initial == "2020H2"
    assert selectors.ledger_period_default(None).code == "2020H2"
    assert selectors.ledger_period_default("2026H1").code == "2020H2"
    assert [p.code for p in selectors.ledger_periods()] == DEMO


@override_settings(CLOCK_TODAY="2020-12-31")
def test_the_submit_and_import_pages_never_offer_2026h1(login, demo_periods, beilin_user):
    client = login(beilin_user)
    for url in (reverse("coverage:ledger-submit"), reverse("coverage:ledger-import")):
        page = client.get(url).content.decode()
        assert "2026H1" not in page and "2021H1" not in page, url
        assert page.index('value="2020H2"') < page.index('value="2020H1"') < page.index('value="2019H1"')
        assert '<option value="2020H2" selected>' in page, url
    assert "2026H1" not in client.get(reverse("coverage:ledger-list")).content.decode()


@override_settings(CLOCK_TODAY="2020-12-30")
def test_a_half_year_not_yet_ended_is_not_offered(demo_periods, staff_user):
    assert _choices(LedgerSubmitForm()) == DEMO[1:]
    assert LedgerSubmitForm()["period"].initial == "2020H1"
    assert selectors.ledger_period_default(None).code == "2020H1"


@override_settings(CLOCK_TODAY="2021-01-01")
def test_a_half_year_ended_but_not_recounted_is_not_offered(dataset):
    services.recount_run(period="2020H1")
    services.period_get(period="2020H2")  # ended yesterday; its recount has not run yet
    assert selectors.ledger_period_choices() == ["2020H1"]
    assert selectors.ledger_period_default(None).code == "2020H1"
