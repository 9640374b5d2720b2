"""Star-rating evaluations of a chunk's party organisations in the existing
rounds, in the demo's proportions (ratings/demo.py): the strongest on paper
go furthest, a closed round has decided everything, an open one still has
drafts, submissions and returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from ratings import demo as ratings_demo
from ratings.models import CITY_MAX_STARS, MAX_STARS, Evaluation, EvaluationEvent

from .common import chunk_rng, day_between
from .records import PlannedParty

State = Evaluation.State
Event = EvaluationEvent.Action

# Shares of a round's rated party organisations, as the demo's 2020 round has them.
CERTIFIED_SHARE = 0.016
NOT_CERTIFIED_SHARE = 0.005
FOUR_STAR_SHARE = 0.038
PENDING_SHARES = {State.SUBMITTED: 0.026, State.RETURNED: 0.0065, State.DRAFT: 0.011}


@dataclass(eq=False, slots=True)
class PlannedEvaluation:
    party: PlannedParty
    round_pk: int
    state: str
    total: int
    stars: int
    final_stars: int | None
    evidence: str
    return_reason: str
    province_sent_on: dt.date | None
    province_result_on: dt.date | None
    created_at: dt.datetime
    points: list[tuple[int, str, int, int]] = field(default_factory=list)  # (item pk, code, points, maximum)
    # (action, from state, to state, at, note)
    events: list[tuple[str, str, str, dt.datetime, str]] = field(default_factory=list)


def _at(day: dt.date, minute: int) -> dt.datetime:
    # ratings.demo._aware's 09:mm in the project's time zone, without asking
    # for the active time zone a million times.
    return dt.datetime.combine(day, dt.time(9, minute), tzinfo=_TZ)


_TZ = timezone.get_default_timezone()


def plan_evaluations(reference, chunk: int, parties: list[PlannedParty]) -> list[PlannedEvaluation]:
    rng = chunk_rng(chunk, "evaluations")
    strength = {id(p): ratings_demo.strength(p, rng) for p in parties if p.rated}
    planned: list[PlannedEvaluation] = []
    for round_ in reference.rounds:
        calendar = ratings_demo.CALENDAR.get(round_.year)
        rated_by = ratings_demo.RATED_IF_ESTABLISHED_BY.get(round_.year)
        if calendar is None or rated_by is None:
            continue  # a round the demo does not know: its calendar is unknown
        rated = sorted((p for p in parties if p.rated and p.established_on <= rated_by), key=lambda p: -strength[id(p)])
        for party, (state, stars, final) in zip(rated, _outcomes(rng, rated, round_.is_open), strict=True):
            planned.append(_evaluation(rng, round_, calendar, party, state, stars, final))
    return planned


def _outcomes(rng, rated: list[PlannedParty], is_open: bool) -> list[tuple[str, int, int | None]]:
    """(state, stars by score, final stars) for each, best first."""
    count = len(rated)
    certified = round(count * CERTIFIED_SHARE)
    not_certified = round(count * NOT_CERTIFIED_SHARE)
    fours = round(count * FOUR_STAR_SHARE)
    top = certified + not_certified + fours
    outcomes: list[tuple[str, int, int | None]] = (
        [(State.CERTIFIED, MAX_STARS, MAX_STARS)] * certified
        + [(State.NOT_CERTIFIED, MAX_STARS, CITY_MAX_STARS)] * not_certified
        + [(State.APPROVED, CITY_MAX_STARS, CITY_MAX_STARS)] * fours
    )
    for party, stars in zip(rated[top:], ratings_demo._spread(rng, count - top), strict=True):
        if not party.secretary.strip():
            stars = min(stars, 2)  # a branch without a secretary does not reach three stars
        outcomes.append((State.APPROVED, stars, stars))
    if is_open:
        for state, share in PENDING_SHARES.items():
            for index in rng.sample(range(top, count), min(count - top, round(count * share))):
                if outcomes[index][0] == State.APPROVED:
                    outcomes[index] = (state, outcomes[index][1], None)
    return outcomes


def _evaluation(rng, round_, calendar: dict, party: PlannedParty, state: str, stars: int, final: int | None):
    maxima = [maximum for _pk, _code, maximum in round_.items]
    total = ratings_demo._total_for(rng, stars, round_.thresholds, sum(maxima))
    points = ratings_demo.split_points(rng, total, maxima)
    province = state in Evaluation.PROVINCE_STATES
    decided = state in (State.CERTIFIED, State.NOT_CERTIFIED)
    created = day_between(rng, *calendar["created"])
    evaluation = PlannedEvaluation(
        party=party,
        round_pk=round_.pk,
        state=state,
        total=total,
        stars=stars,
        final_stars=final,
        evidence=ratings_demo._evidence(rng, stars),
        return_reason=rng.choice(ratings_demo._RETURN_REASONS) if state == State.RETURNED else "",
        province_sent_on=calendar["sent"] if province else None,
        province_result_on=calendar["result"] if decided else None,
        created_at=_at(created, 0),
        points=[(pk, code, p, m) for (pk, code, m), p in zip(round_.items, points, strict=True)],
    )
    steps = [(Event.CREATED, "", State.DRAFT, created)]
    if state != State.DRAFT:
        submitted = created + dt.timedelta(days=rng.randint(1, calendar["submitted"]))
        steps.append((Event.SUBMITTED, State.DRAFT, State.SUBMITTED, submitted))
    if state == State.RETURNED:
        steps.append(
            (Event.RETURNED, State.SUBMITTED, State.RETURNED, submitted + dt.timedelta(days=rng.randint(2, 10)))
        )
    if state in Evaluation.FINAL_STATES:
        steps.append((Event.APPROVED, State.SUBMITTED, State.APPROVED, calendar["approved"]))
    if province:
        steps.append((Event.SENT, State.APPROVED, State.SENT, calendar["sent"]))
    if state == State.CERTIFIED:
        steps.append((Event.CERTIFIED, State.SENT, State.CERTIFIED, calendar["result"]))
    if state == State.NOT_CERTIFIED:
        steps.append((Event.NOT_CERTIFIED, State.SENT, State.NOT_CERTIFIED, calendar["result"]))
    for minute, (action, from_state, to_state, day) in enumerate(steps):
        note = evaluation.return_reason if action == Event.RETURNED else ""
        evaluation.events.append((action, from_state, to_state, _at(day, minute), note))
    return evaluation
