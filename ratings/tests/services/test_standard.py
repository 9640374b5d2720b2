"""The standard and the rounds: stars for a total, the default criteria, and
opening, freezing and closing a round."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ratings import services
from ratings.models import Criterion, Round, RoundItem, StarThreshold
from ratings.tests.factories import points_for

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------
# The standard and rounds
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "stars"), [(0, 1), (59, 1), (60, 2), (69, 2), (70, 3), (79, 3), (80, 4), (89, 4), (90, 5), (100, 5)]
)
def test_default_thresholds(total, stars, round_2020):
    thresholds = list(round_2020.thresholds.values_list("stars", "min_total"))
    assert services.stars_for(total, thresholds) == stars


def test_below_the_one_star_threshold_is_zero_stars():
    assert services.stars_for(39, [(1, 40), (2, 60)]) == 0


def test_default_standard_is_100_points_over_seven_items(round_2020):
    items = list(round_2020.items.values_list("code", "max_points"))
    assert [code for code, _ in items] == ["setup", "leadership", "life", "members", "records", "role", "development"]
    assert sum(points for _, points in items) == 100


def test_criteria_defaults_are_recreated_after_a_flush():
    Criterion.objects.all().delete()
    StarThreshold.objects.all().delete()
    assert services.criteria_ensure_defaults() == 12
    assert services.criteria_ensure_defaults() == 0


def test_round_keeps_the_standard_it_was_created_with(staff_user, law_party, round_2020):
    evaluation, _ = services.evaluation_score(
        actor=staff_user, round_=round_2020, party_organization=law_party, points=points_for(round_2020, 85)
    )
    assert evaluation.stars == 4
    # The administrators tighten the standard afterwards.
    Criterion.objects.filter(code="role").update(max_points=30, name="作用发挥（新）")
    Criterion.objects.filter(code="development").update(is_active=False)
    StarThreshold.objects.filter(stars=4).update(min_total=88)
    StarThreshold.objects.filter(stars=5).update(min_total=95)

    round_2020.refresh_from_db()
    assert dict(round_2020.items.values_list("code", "max_points"))["role"] == 20
    assert dict(round_2020.thresholds.values_list("stars", "min_total"))[4] == 80
    # Re-scoring in 2020 still uses 2020's copy: same total, same stars.
    evaluation, _ = services.evaluation_score(
        actor=staff_user, round_=round_2020, party_organization=law_party, points=points_for(round_2020, 85, seed=2)
    )
    assert (evaluation.total, evaluation.stars) == (85, 4)
    # A new round freezes the new standard.
    round_2021 = services.round_create(actor=staff_user, year=2021)
    assert dict(round_2021.items.values_list("code", "max_points"))["role"] == 30
    assert "development" not in set(round_2021.items.values_list("code", flat=True))
    assert dict(round_2021.thresholds.values_list("stars", "min_total"))[4] == 88


def test_freezing_twice_copies_once(round_2020):
    services.round_freeze_criteria(round_=round_2020)
    assert RoundItem.objects.filter(round=round_2020).count() == 7


def test_round_create_is_for_staff_and_once_per_year(staff_user, beilin_user, round_2020):
    with pytest.raises(PermissionDenied):
        services.round_create(actor=beilin_user, year=2021)
    with pytest.raises(ValidationError) as excinfo:
        services.round_create(actor=staff_user, year=2020)
    assert "year" in excinfo.value.message_dict


def test_round_create_refuses_an_unreachable_standard(staff_user, round_2020):
    StarThreshold.objects.filter(stars=5).update(min_total=101)
    with pytest.raises(ValidationError):
        services.round_create(actor=staff_user, year=2021)
    StarThreshold.objects.filter(stars=5).update(min_total=70)
    with pytest.raises(ValidationError):
        services.round_create(actor=staff_user, year=2021)


def test_round_update_closes_and_reopens(staff_user, round_2020):
    round_ = services.round_update(actor=staff_user, round_=round_2020, province_five_star_total=60, status="closed")
    assert round_.status == Round.Status.CLOSED and round_.closed_at and round_.province_five_star_total == 60
    round_ = services.round_update(actor=staff_user, round_=round_, province_five_star_total=60, status="open")
    assert round_.is_open and round_.closed_at is None
