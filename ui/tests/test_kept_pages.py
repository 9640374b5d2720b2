"""Every page that keeps its parts (ui.views.KeptPageMixin), over the demo data
and for three kinds of user:

- a second visit answers exactly as a fresh render would (the whole page,
  with only the CSRF token's per-response mask set aside);
- nothing a page reads while it renders afresh is in a table whose writes the
  data version ignores (ui/data_version.py IGNORED_TABLES): a write anywhere
  a kept page reads makes it render afresh.

It commits (the demo is seeded inside the test), so it runs outside the
usual per-test transaction, and seeds once for all of it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import PartyOrganization, SocialOrganization
from ratings.models import Round
from ui import data_version, fragments
from ui.templatetags.fragments import KeptPartNode
from ui.views import KeptPageMixin

from .pages import argumentless_pages

pytestmark = pytest.mark.django_db(transaction=True)

# Every chart's JSON, as the dashboard asks for it (the districts' stars: leadership only).
CHARTS = ("chart-coverage-by-area", "chart-coverage-trend", "chart-warnings", "chart-stars-by-round")
CHARTS += ("chart-contributions", "chart-stars-by-area")
_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')
_TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.IGNORECASE)


def _page(response) -> str:
    return _TOKEN.sub(r'\1…"', response.content.decode())


@pytest.fixture
def tables_read(monkeypatch) -> set[str]:
    """The tables read while a kept page renders afresh: its view's queries and
    those its kept parts run as they render (a queryset a template evaluates)."""
    read: set[str] = set()

    def recording(method):
        def recorded(*args, **kwargs):
            with CaptureQueriesContext(connection) as queries:
                result = method(*args, **kwargs)
            for query in queries.captured_queries:
                read.update(name.lower() for name in _TABLE.findall(query["sql"]))
            return result

        return recorded

    monkeypatch.setattr(KeptPageMixin, "get_afresh", recording(KeptPageMixin.get_afresh))
    monkeypatch.setattr(KeptPartNode, "render", recording(KeptPartNode.render))
    return read


def _pages_with_arguments(user) -> list[str]:
    """A record's pages and a district's and a round's, as the user reaches them."""
    org = SocialOrganization.objects.for_user(user).order_by("pk").first()
    party = PartyOrganization.objects.for_user(user).order_by("pk").first()
    round_ = Round.objects.order_by("-year").first()
    pages = [reverse("coverage:area-detail", kwargs={"code": "610103"})]
    pages += [org.get_absolute_url(), reverse("organizations:organization-update", kwargs={"pk": org.pk})]
    pages += [party.get_absolute_url()]
    pages += [
        reverse(f"ratings:{name}", kwargs={"year": round_.year})
        for name in ("round-summary", "round-movers", "round-entry")
    ]
    return pages


def _chart_is_kept_as_rendered(client, url: str) -> bool:
    """A chart's JSON, kept whole: the second answer reads nothing of its own
    (the session, the user, the data version) and says what a fresh one says."""
    caches[fragments.CACHE].clear()
    first = client.get(url)
    if first.status_code != 200:
        return False
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert second.content == first.content and second["Content-Type"] == first["Content-Type"], url
    return len(queries.captured_queries) <= 3


def test_every_kept_page_equals_a_fresh_render_and_reads_no_ignored_table(client, tables_read):
    call_command("seed_demo", "--demo-users", verbosity=0)
    cache = caches[fragments.CACHE]
    kept_pages = {}
    kept_charts = 0
    for username in ("staff", "beilin", "lawyers", "leader"):
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        kept_pages[username] = 0
        pages = [reverse("home"), *argumentless_pages()]
        if username != "leader":
            pages += _pages_with_arguments(user)
        for path in pages:
            cache.clear()
            first = client.get(path)
            if first.status_code != 200 or not hasattr(first, "templates"):
                continue
            second = client.get(path)
            if second.context is None or second.context.get("kept_parts") is None:
                continue  # not a kept page, or one holding a form token
            kept_pages[username] += 1
            assert _page(second) == _page(first), (username, path)
            cache.clear()
            assert _page(client.get(path)) == _page(second), (username, path)
        for name in CHARTS:
            if username == "leader" or name != "chart-stars-by-area":
                kept_charts += _chart_is_kept_as_rendered(client, reverse(f"dashboard:{name}"))
    # Every chart for every role that may read it: the leader's six, five for each of the others.
    assert kept_charts == len(CHARTS) + 3 * (len(CHARTS) - 1)
    # The dashboard, the list, detail and form pages keep their parts: the comparison is not of nothing.
    assert min(kept_pages[role] for role in ("staff", "beilin", "lawyers")) >= 40, kept_pages
    assert kept_pages["leader"] >= 4, kept_pages
    assert {"coverage_snapshot", "organizations_socialorganization", "ratings_evaluation"} <= tables_read
    ignored = data_version.IGNORED_TABLES
    assert not {t for t in tables_read if t in ignored or t.startswith(data_version.IGNORED_PREFIXES)}
