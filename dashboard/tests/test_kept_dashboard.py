"""The dashboard's figures and charts are kept between requests until the data
changes (ui/fragments.py, ui/data_version.py): a page seen before costs only
the layout's queries and the data version's, and after every kind of write
the page equals a fresh render (ui/tests/test_kept_pages.py checks that no
table the page reads is one whose writes the data version ignores).

These tests commit (the kept part is never used inside a transaction holding
uncommitted writes), so they run outside the usual per-test transaction."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import transaction
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.urls import reverse

from accounts.models import User
from coverage.recount import services
from coverage.warnings.scan import warning_scan
from engagement.tests.factories import ContributionFactory
from organizations.tests.factories import SocialOrganizationFactory
from ratings.tests.factories import make_evaluation, make_round
from ui import fragments

pytestmark = pytest.mark.django_db(transaction=True)

HOME = reverse("home")


@pytest.fixture(autouse=True)
def nothing_kept():
    caches[fragments.CACHE].clear()
    yield
    caches[fragments.CACHE].clear()


def _main(response) -> str:
    """The page below the header: the layout's CSRF token differs on every response."""
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index("<main>") : page.index("</main>")]


def _fresh(client, url: str = HOME) -> str:
    caches[fragments.CACHE].clear()
    return _main(client.get(url))


def test_a_page_seen_before_is_served_from_what_was_kept(login, staff_user, recounted, django_assert_num_queries):
    client = login(staff_user)
    first = _main(client.get(HOME))
    assert 'data-figure="organizations">7<' in first
    # The session, the user and the data version: nothing of the page's own.
    with django_assert_num_queries(3):
        kept = _main(client.get(HOME))
    assert kept == first


def _new_organisation_recounted(dataset):
    SocialOrganizationFactory(name="新 协会", area=dataset.a.area, formal_party_members=3)
    services.recount_run(period="2020H2")


def _warnings_scanned(dataset):  # noqa: ARG001 (every write takes the dataset)
    warning_scan(today=dt.date(2020, 12, 31))


def _contribution(dataset):
    ContributionFactory(organization=dataset.a, kind="poverty", money_yuan=Decimal("120000"), people_helped=40)


def _stars(dataset):
    round_ = make_round(2020, province_total=59)
    make_evaluation(dataset.p_a, round_, state="certified", total=98, final_stars=5)


def _renamed_user(dataset):  # noqa: ARG001
    User.objects.filter(username="staff").update(first_name="改", last_name="名")


@pytest.mark.parametrize(
    "write",
    [_new_organisation_recounted, _warnings_scanned, _contribution, _stars, _renamed_user],
    ids=lambda write: write.__name__.strip("_"),
)
def test_after_each_kind_of_write_the_page_equals_a_fresh_render(login, staff_user, recounted, write):
    client = login(staff_user)
    before = _main(client.get(HOME))
    assert _main(client.get(HOME)) == before  # kept

    write(recounted)

    after = _main(client.get(HOME))
    assert after != before, "the write shows on the dashboard"
    assert after == _fresh(client)


def test_users_languages_and_half_years_are_kept_apart(client, staff_user, beilin_user, recounted):
    client.force_login(staff_user)
    city = _main(client.get(HOME))
    city_h1 = _main(client.get(HOME + "?period=2020H1"))
    client.cookies["django_language"] = "en"
    city_en = _main(client.get(HOME))
    client.cookies["django_language"] = "zh-hans"
    client.force_login(beilin_user)
    district = _main(client.get(HOME))
    assert len({city, city_h1, city_en, district}) == 4
    assert 'data-figure="organizations">7<' in city and 'data-figure="organizations">6<' in district
    assert "Dashboard" in city_en and "Dashboard" not in city
    client.force_login(staff_user)
    assert _main(client.get(HOME)) == city


def test_nothing_is_kept_inside_a_transaction_with_uncommitted_writes(login, staff_user, recounted):
    client = login(staff_user)
    with transaction.atomic():
        SocialOrganizationFactory(name="未提交 协会", area=recounted.a.area)
        client.get(HOME)
        client.get(HOME)
    assert not caches[fragments.CACHE]._cache, "nothing kept from a transaction not yet committed"


def test_a_kept_form_carries_the_requests_own_token(rf, staff_user):
    """A form in a kept part answers each request with that request's CSRF
    token (the browser that rendered it has another secret); a token written
    anywhere else than a form's hidden input could not be, so it is not kept."""
    form = '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{}"></form>'
    rendering = rf.get(HOME)
    rendering.user = staff_user
    key = fragments.key_for(rendering, "test")
    fragments.put(key, "head", "<title>7</title>")
    fragments.put(key, "nav", "<nav></nav>")
    fragments.put(key, "content", form.format(get_token(rendering)))

    other = rf.get(HOME)
    other.user = staff_user
    kept = fragments.get(key, other)
    token = re.search(r'value="([^"]+)"', kept["content"]).group(1)
    assert _unmask_cipher_token(token) == other.META["CSRF_COOKIE"] != rendering.META["CSRF_COOKIE"]
    assert kept["content"] == form.format(token)

    caches[fragments.CACHE].delete(f"{key}:content")
    leaked = get_token(rendering)
    fragments.put(key, "content", form.format(leaked) + f'<div data-token="{leaked}"></div>')
    assert fragments.get(key, other) is None
