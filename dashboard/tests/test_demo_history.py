"""The demo city keeps its history: on the demo's own day (2020-12-31),
pressing "recount now" for any demo half-year and running the daily scan any
number of times changes no figure of any half-year, and every dashboard
figure of every demo half-year opens exactly its rows, for every demo role."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from coverage import tasks
from coverage.models import EarlyWarning, Snapshot
from dashboard.tests.test_demo import _figures
from dashboard.tests.test_figure_links import _check, _expected, _parse

pytestmark = pytest.mark.django_db

DEMO_HALF_YEARS = ("2019H1", "2019H2", "2020H1", "2020H2")
DEMO_ROLES = ("beilin", "yanta", "lawyers", "staff", "leader")
SNAPSHOT_FIELDS = ("scope_key", "organizations", "org_covered", "work_covered", "must_establish_not_established")


def _state(client) -> dict:
    pages = {
        half: _figures(client.get(reverse("home") + f"?period={half}").content.decode()) for half in DEMO_HALF_YEARS
    }
    snapshots = sorted(Snapshot.objects.values_list("period__year", "period__half", *SNAPSHOT_FIELDS))
    warnings = sorted(EarlyWarning.objects.values_list("rule", "subject_key", "opened_on", "closed_on", "status"))
    return {"pages": pages, "snapshots": snapshots, "warnings": warnings}


@override_settings(CLOCK_TODAY="2020-12-31")
def test_recounts_and_scans_leave_the_demo_figures_unchanged(client, django_capture_on_commit_callbacks):
    call_command("seed_demo", "--demo-users")
    client.force_login(User.objects.get(username="staff"))
    before = _state(client)
    assert before["pages"]["2020H2"]["organizations"] == "3,866"
    assert before["pages"]["2020H2"]["party_organizations"] == "1,272"
    assert before["pages"]["2020H2"]["work_coverage_rate"] == "100.0%"
    for half in DEMO_HALF_YEARS:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("coverage:recount"), {"period": half})
        assert response.status_code == 302, half
    for _ in range(2):
        tasks.warning_scan.apply().get()
    assert _state(client) == before


@override_settings(CLOCK_TODAY="2020-12-31")
def test_every_demo_dashboard_figure_opens_exactly_its_rows(client):
    call_command("seed_demo", "--demo-users")
    wrong = []
    for username in DEMO_ROLES:
        client.force_login(User.objects.get(username=username))
        for half in DEMO_HALF_YEARS:
            page = _parse(client.get(reverse("home") + f"?period={half}"))
            links = [(f"{username} {half} {f['name']}", f["href"], _expected(f)) for f in page.figures if f.get("href")]
            assert links, (username, half)
            wrong += _check(client, links)
    assert not wrong, "\n".join(wrong)
