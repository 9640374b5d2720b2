"""Administrators edit the standard; evaluations are read-only there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from ratings.models import Criterion, Evaluation, EvaluationEvent, Round
from ratings.tests.factories import make_evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_standard_pages_render(admin_client, round_2020, law_party):
    for name in ("criterion", "starthreshold", "round", "evaluation", "pairing"):
        assert admin_client.get(reverse(f"admin:ratings_{name}_changelist")).status_code == 200, name
    assert admin_client.get(reverse("admin:ratings_round_change", args=[round_2020.pk])).status_code == 200


def test_editing_an_item_in_the_admin_leaves_rounds_alone(admin_client, round_2020):
    criterion = Criterion.objects.get(code="life")
    response = admin_client.post(
        reverse("admin:ratings_criterion_change", args=[criterion.pk]),
        {
            "code": "life",
            "name": "组织生活",
            "description": "",
            "max_points": 25,
            "sort_order": 3,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Criterion.objects.get(code="life").max_points == 25
    assert round_2020.items.get(code="life").max_points == 20


def test_a_round_added_in_the_admin_freezes_the_standard(admin_client, db):
    response = admin_client.post(
        reverse("admin:ratings_round_add"),
        {
            "year": 2022,
            "province_five_star_total": "",
            "items-TOTAL_FORMS": 0,
            "items-INITIAL_FORMS": 0,
            "thresholds-TOTAL_FORMS": 0,
            "thresholds-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Round.objects.get(year=2022).items.count() == 7


def test_evaluations_cannot_be_added_in_the_admin(admin_client, db):
    assert admin_client.get(reverse("admin:ratings_evaluation_add")).status_code == 403


def test_evaluations_and_their_history_are_read_only_in_the_admin(admin_client, round_2020, law_party, staff_user):
    evaluation = make_evaluation(law_party, round_2020, state=Evaluation.State.SUBMITTED)
    EvaluationEvent.objects.create(
        evaluation=evaluation, actor=staff_user, action="submit", to_state="submitted", total=95, stars=5
    )
    page = admin_client.get(reverse("admin:ratings_evaluation_change", args=[evaluation.pk]))
    assert page.status_code == 200
    assert 'name="events-0-note"' not in page.content.decode()
    assert admin_client.post(reverse("admin:ratings_evaluation_delete", args=[evaluation.pk])).status_code == 403
    assert admin_client.get(reverse("admin:ratings_pairing_add")).status_code == 403
    round_page = admin_client.get(reverse("admin:ratings_round_change", args=[round_2020.pk])).content.decode()
    assert 'name="year"' not in round_page and 'name="status"' not in round_page
