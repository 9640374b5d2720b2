"""Helpers that put evaluations into any state directly, for tests that are
about something else than getting there (the workflow tests use the services)."""

from __future__ import annotations

import datetime as dt
import random

from organizations.models import PartyOrganization
from ratings import services
from ratings.demo import split_points
from ratings.models import CITY_MAX_STARS, MAX_STARS, Evaluation, Round, Score

State = Evaluation.State


def make_round(year: int, *, closed: bool = False, province_total: int | None = None) -> Round:
    round_ = services.round_create(actor=None, year=year, province_five_star_total=province_total)
    if closed:
        Round.objects.filter(pk=round_.pk).update(
            status=Round.Status.CLOSED, closed_at=dt.datetime(year + 1, 1, 20, tzinfo=dt.UTC)
        )
        round_.refresh_from_db()
    return round_


def points_for(round_: Round, total: int, seed: int = 1) -> dict[str, int]:
    """Item points adding up to `total` within the round's maxima."""
    items = list(round_.items.all())
    points = split_points(random.Random(seed), total, [i.max_points for i in items])
    return {item.code: p for item, p in zip(items, points, strict=True)}


def make_evaluation(
    party: PartyOrganization,
    round_: Round,
    *,
    state: str = State.DRAFT,
    total: int = 95,
    final_stars: int | None = None,
) -> Evaluation:
    """An evaluation in `state` with consistent fields, written without the workflow."""
    thresholds = list(round_.thresholds.values_list("stars", "min_total"))
    stars = services.stars_for(total, thresholds)
    if state in Evaluation.FINAL_STATES and final_stars is None:
        final_stars = MAX_STARS if state == State.CERTIFIED else min(stars, CITY_MAX_STARS)
    province = state in Evaluation.PROVINCE_STATES
    evaluation = Evaluation.objects.create(
        round=round_,
        party_organization=party,
        state=state,
        total=total,
        stars=stars,
        final_stars=final_stars if state in Evaluation.FINAL_STATES else None,
        return_reason="补充材料" if state == State.RETURNED else "",
        province_sent_on=dt.date(2020, 12, 10) if province else None,
        province_result_on=dt.date(2020, 12, 20) if state in (State.CERTIFIED, State.NOT_CERTIFIED) else None,
    )
    points = points_for(round_, total)
    Score.objects.bulk_create(
        [
            Score(evaluation=evaluation, item=item, points=points[item.code], max_points=item.max_points)
            for item in round_.items.all()
        ]
    )
    return evaluation
