"""/healthz answers a probe without a login: the database and the broker, 200 or 503."""

from __future__ import annotations

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

URL = "/healthz"


def test_healthy_without_a_broker_tasks_run_in_process(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "in-process"}
    assert "no-store" in response["Cache-Control"]


@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
def test_a_broker_that_is_down_makes_it_503_and_says_which_part(client, broker_down):
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "database": "ok", "broker": "down"}


def test_it_says_nothing_else_and_takes_no_writes(client, staff_user):
    client.force_login(staff_user)
    assert set(client.get(URL).json()) == {"status", "database", "broker"}
    assert client.post(URL).status_code == 405
