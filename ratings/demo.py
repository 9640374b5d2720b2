"""Demo steps for seed_demo: the 2019 and 2020 rating rounds and the pairings.

2020 ends as the source reports it: 46 four-star party organisations named
by the city and 17 five-star ones certified by the province, out of the
province's 59 (28.8%). 2019 is planned backwards from 2020 so that the
promotion figures are plausible: most held their stars, some moved up, a
few moved down.

Planning is pure (it takes the party organisations and the rounds' frozen
standard and returns unsaved rows), so a test can plan again and compare
with what was written. Each step returns the rows it created, 0 when its
data is already there.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from organizations.models import PartyOrganization

from . import selectors, services
from .models import (
    CITY_MAX_STARS,
    MAX_STARS,
    STRONG_MIN_STARS,
    Evaluation,
    EvaluationEvent,
    Pairing,
    Round,
    RoundItem,
    Score,
)

State = Evaluation.State
Event = EvaluationEvent.Action

YEARS = (2019, 2020)
# The province's five-star totals as entered by staff; 2020's is the source's.
PROVINCE_TOTALS = {2019: 41, 2020: 59}
# 2020, from the source: 46 four-star named by the city, 17 five-star certified.
CERTIFIED_2020 = 17
NOT_CERTIFIED_2020 = 5  # sent with a five-star score, four stars stand
APPROVED_FOUR_2020 = 41  # 41 + 5 = 46 four-star named
# Left undecided in the open 2020 round.
PENDING_2020 = {State.SUBMITTED: 28, State.RETURNED: 7, State.DRAFT: 12}
# Where 2020's four- and five-star organisations came from in 2019.
CERTIFIED_2020_HELD = 9  # already certified in 2019; the other 8 moved up from four
FOUR_2020_DOWN = 3  # lost the fifth star
FOUR_2020_UP = 14  # moved up from three
NOT_CERTIFIED_2019 = 4
# Rated in a round: established by the end of its third quarter.
RATED_IF_ESTABLISHED_BY = {2019: dt.date(2019, 9, 30), 2020: dt.date(2020, 9, 30)}
PAIRINGS = 80

# Each round's calendar: entry, recommendation, the city's decision, the province.
CALENDAR = {
    2019: {
        "created": (dt.date(2019, 10, 8), dt.date(2019, 11, 8)),
        "submitted": 14,
        "approved": dt.date(2019, 12, 10),
        "sent": dt.date(2019, 12, 12),
        "result": dt.date(2020, 1, 10),
        "closed": dt.date(2020, 1, 20),
    },
    2020: {
        "created": (dt.date(2020, 10, 9), dt.date(2020, 11, 10)),
        "submitted": 14,
        "approved": dt.date(2020, 12, 8),
        "sent": dt.date(2020, 12, 10),
        "result": dt.date(2020, 12, 28),
        "closed": None,
    },
}

_EVIDENCE = (
    "三会一课记录完整",
    "主题党日每月开展",
    "组织生活会和民主评议按时召开",
    "党员发展有序推进",
    "党费按月足额收缴",
    "党建工作写入章程",
    "书记抓党建述职",
    "阵地建设规范",
    "台账资料齐全",
    "参与社区治理结对服务",
    "开展公益服务项目",
    "疫情防控期间捐款捐物",
    "助力脱贫攻坚",
    "社会组织评估等级4A",
    "获评先进基层党组织",
    "党员示范岗作用明显",
    "行业诚信自律公约",
    "党建带群建成效明显",
)
_RETURN_REASONS = (
    "作用发挥得分缺少佐证材料，请补充。",
    "组织生活记录不全，请核实三会一课台账后重新报送。",
    "党员管理得分与党员名册不符，请核实。",
)
_GOALS = (
    "帮助规范三会一课和主题党日，建立完整台账。",
    "共同开展主题党日和公益服务，提升组织生活质量。",
    "协助选优配强支部班子，完善党建工作制度。",
    "结对开展党员教育培训，带动党建与业务融合发展。",
    "帮助整改预警问题，半年内恢复正常组织生活。",
)
_PROGRESS = (
    "已联合开展主题党日 2 次。",
    "已完成制度台账梳理。",
    "已共同举办党务培训一次。",
    "支部班子已调整到位。",
    "已联合开展社区志愿服务。",
    "",
)


def _aware(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return dt.date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


# --------------------------------------------------------------------------
# Rounds
# --------------------------------------------------------------------------


def seed_rounds(rng: random.Random) -> int:  # noqa: ARG001 (two fixed rounds; every demo step takes the run's rng)
    """The 2019 round (closed) and the 2020 round (open), with the standard frozen in each."""
    created = 0
    for year in YEARS:
        if Round.objects.filter(year=year).exists():
            continue
        services.round_create(actor=None, year=year, province_five_star_total=PROVINCE_TOTALS[year])
        created += 1
    closed_on = CALENDAR[2019]["closed"]
    Round.objects.filter(year=2019, status=Round.Status.OPEN).update(
        status=Round.Status.CLOSED, closed_at=_aware(closed_on)
    )
    return created


# --------------------------------------------------------------------------
# Evaluations: the plan
# --------------------------------------------------------------------------


@dataclass
class PlannedEvaluation:
    party: PartyOrganization
    year: int
    state: str
    stars: int  # by score
    final_stars: int | None
    points: list[int]
    evidence: str
    return_reason: str = ""
    # (action, from state, to state, day)
    events: list[tuple[str, str, str, dt.date]] = field(default_factory=list)


def strength(party: PartyOrganization, rng: random.Random) -> float:
    """How strong a party organisation looks on paper, with some luck."""
    value = math.log(1 + party.member_count) * 0.8
    value += {PartyOrganization.Kind.COMMITTEE: 1.2, PartyOrganization.Kind.GENERAL_BRANCH: 0.6}.get(party.kind, 0.0)
    if party.formation == PartyOrganization.Formation.STANDALONE:
        value += 0.3
    if party.last_activity_on and party.last_activity_on >= dt.date(2020, 7, 1):
        value += 0.5
    # Stars take years: a branch set up last year rarely leads the city.
    years = (RATED_IF_ESTABLISHED_BY[2020] - party.established_on).days / 365
    value += min(max(years, 0.0), 5.0) * 0.45
    return value + rng.gauss(0, 0.9)


def _spread(rng: random.Random, count: int) -> list[int]:
    """Final stars of the rest of a round: about 30% three, 45% two, 25% one, best first."""
    threes = round(count * 0.30)
    twos = round(count * 0.45)
    stars = [3] * threes + [2] * twos + [1] * (count - threes - twos)
    # Neighbours on the strength ranking swap now and then: ratings are not a sort.
    for index in range(len(stars) - 1):
        if stars[index] != stars[index + 1] and rng.random() < 0.15:
            stars[index], stars[index + 1] = stars[index + 1], stars[index]
    return stars


def split_points(rng: random.Random, total: int, maxima: Sequence[int]) -> list[int]:
    """Points per item that add up to `total`, each within its maximum, roughly in proportion."""
    whole = sum(maxima)
    points = [min(m, round(m * total / whole)) for m in maxima]
    diff = total - sum(points)
    while diff:
        index = rng.randrange(len(maxima))
        if diff > 0 and points[index] < maxima[index]:
            points[index] += 1
            diff -= 1
        elif diff < 0 and points[index] > 0:
            points[index] -= 1
            diff += 1
    for _ in range(len(maxima)):
        give, take = rng.sample(range(len(maxima)), 2)
        if points[give] > 0 and points[take] < maxima[take]:
            points[give] -= 1
            points[take] += 1
    return points


def _total_for(rng: random.Random, stars: int, thresholds: dict[int, int], maximum: int) -> int:
    low = thresholds[stars]
    high = thresholds[stars + 1] - 1 if stars < MAX_STARS else maximum
    return rng.randint(low, high)


def _evidence(rng: random.Random, stars: int) -> str:
    return "；".join(rng.sample(_EVIDENCE, min(len(_EVIDENCE), 1 + stars))) + "。"


def plan_evaluations(
    rng: random.Random, parties: Sequence[PartyOrganization], standards: dict[int, tuple[list[int], dict[int, int]]]
) -> list[PlannedEvaluation]:
    """Both rounds' evaluations, unsaved. `standards` maps a year to its (item maxima, thresholds)."""
    by_year: dict[int, list[PartyOrganization]] = {
        year: [p for p in parties if p.established_on <= RATED_IF_ESTABLISHED_BY[year]] for year in YEARS
    }
    ranked = sorted(by_year[2020], key=lambda p: -strength(p, rng))
    # 2020's final stars (None while undecided) and the state each ends in.
    outcome: dict[int, tuple[str, int, int | None]] = {}  # pk -> (state, stars by score, final stars)
    top = ranked[: CERTIFIED_2020 + NOT_CERTIFIED_2020 + APPROVED_FOUR_2020]
    rest = ranked[len(top) :]
    for index, party in enumerate(top):
        if index < CERTIFIED_2020:
            outcome[party.pk] = (State.CERTIFIED, MAX_STARS, MAX_STARS)
        elif index < CERTIFIED_2020 + NOT_CERTIFIED_2020:
            outcome[party.pk] = (State.NOT_CERTIFIED, MAX_STARS, CITY_MAX_STARS)
        else:
            outcome[party.pk] = (State.APPROVED, CITY_MAX_STARS, CITY_MAX_STARS)
    spread = _spread(rng, len(rest))
    for party, stars in zip(rest, spread, strict=True):
        if party.secretary_vacant:
            stars = min(stars, 2)  # a branch without a secretary does not reach three stars
        outcome[party.pk] = (State.APPROVED, stars, stars)
    pending = rng.sample(rest, sum(PENDING_2020.values()))
    cursor = 0
    for state, count in PENDING_2020.items():
        for party in pending[cursor : cursor + count]:
            outcome[party.pk] = (state, outcome[party.pk][1], None)
        cursor += count

    # 2019, backwards from 2020.
    rated_2019 = {p.pk for p in by_year[2019]}
    certified_2020 = [p for p in top[:CERTIFIED_2020] if p.pk in rated_2019]
    four_2020 = [p for p in top[CERTIFIED_2020:] if p.pk in rated_2019]
    before: dict[int, tuple[str, int, int]] = {}  # pk -> (state, stars by score, final stars) in 2019
    for index, party in enumerate(certified_2020):
        before[party.pk] = (State.CERTIFIED, 5, 5) if index < CERTIFIED_2020_HELD else (State.APPROVED, 4, 4)
    shuffled = rng.sample(four_2020, len(four_2020))
    for index, party in enumerate(shuffled):
        if index < FOUR_2020_DOWN:
            before[party.pk] = (State.CERTIFIED, 5, 5)
        elif index < FOUR_2020_DOWN + FOUR_2020_UP:
            before[party.pk] = (State.APPROVED, 3, 3)
        else:
            before[party.pk] = (State.APPROVED, 4, 4)
    for party in rest:
        if party.pk not in rated_2019:
            continue
        now = outcome[party.pk][1]
        roll = rng.random()
        if now > 1 and roll < 0.15:
            then = now - 1  # moved up since
        elif now < 3 and roll > 0.93:
            then = now + 1  # moved down since
        else:
            then = now
        before[party.pk] = (State.APPROVED, then, then)
    # Some of 2019's four-stars scored five but were not certified by the province.
    fours_2019 = sorted(pk for pk, (_state, stars, _final) in before.items() if stars == 4)
    for pk in rng.sample(fours_2019, min(NOT_CERTIFIED_2019, len(fours_2019))):
        before[pk] = (State.NOT_CERTIFIED, 5, 4)

    planned: list[PlannedEvaluation] = []
    for year, plan in ((2019, before), (2020, outcome)):
        maxima, thresholds = standards[year]
        calendar = CALENDAR[year]
        for party in by_year[year]:
            if party.pk not in plan:
                continue
            state, stars, final = plan[party.pk]
            total = _total_for(rng, stars, thresholds, sum(maxima))
            evaluation = PlannedEvaluation(
                party=party,
                year=year,
                state=state,
                stars=stars,
                final_stars=final,
                points=split_points(rng, total, maxima),
                evidence=_evidence(rng, stars),
            )
            created = _day(rng, *calendar["created"])
            evaluation.events.append((Event.CREATED, "", State.DRAFT, created))
            if state != State.DRAFT:
                submitted = created + dt.timedelta(days=rng.randint(1, calendar["submitted"]))
                evaluation.events.append((Event.SUBMITTED, State.DRAFT, State.SUBMITTED, submitted))
            if state == State.RETURNED:
                evaluation.return_reason = rng.choice(_RETURN_REASONS)
                returned = submitted + dt.timedelta(days=rng.randint(2, 10))
                evaluation.events.append((Event.RETURNED, State.SUBMITTED, State.RETURNED, returned))
            if state in Evaluation.FINAL_STATES:
                evaluation.events.append((Event.APPROVED, State.SUBMITTED, State.APPROVED, calendar["approved"]))
            if state in Evaluation.PROVINCE_STATES:
                evaluation.events.append((Event.SENT, State.APPROVED, State.SENT, calendar["sent"]))
            if state == State.CERTIFIED:
                evaluation.events.append((Event.CERTIFIED, State.SENT, State.CERTIFIED, calendar["result"]))
            if state == State.NOT_CERTIFIED:
                evaluation.events.append((Event.NOT_CERTIFIED, State.SENT, State.NOT_CERTIFIED, calendar["result"]))
            planned.append(evaluation)
    return planned


def rated_party_organizations() -> QuerySet[PartyOrganization]:
    """Only active party organisations covering at least one active organisation are rated."""
    return selectors.ratable_party_organizations().order_by("name", "pk")


def standards_of(rounds: dict[int, Round]) -> tuple[dict[int, list[RoundItem]], dict[int, tuple[list[int], dict]]]:
    items = {year: list(r.items.all()) for year, r in rounds.items()}
    standards = {
        year: ([i.max_points for i in items[year]], dict(r.thresholds.values_list("stars", "min_total")))
        for year, r in rounds.items()
    }
    return items, standards


def seed_evaluations(rng: random.Random) -> int:
    rounds = {r.year: r for r in Round.objects.filter(year__in=YEARS)}
    if len(rounds) < len(YEARS) or Evaluation.objects.filter(round__in=rounds.values()).exists():
        return 0
    items, standards = standards_of(rounds)
    planned = plan_evaluations(rng, list(rated_party_organizations()), standards)

    evaluations = []
    for plan in planned:
        calendar = CALENDAR[plan.year]
        province = plan.state in Evaluation.PROVINCE_STATES
        evaluations.append(
            Evaluation(
                round=rounds[plan.year],
                party_organization=plan.party,
                state=plan.state,
                total=sum(plan.points),
                stars=plan.stars,
                final_stars=plan.final_stars,
                evidence=plan.evidence,
                return_reason=plan.return_reason,
                province_sent_on=calendar["sent"] if province else None,
                province_result_on=calendar["result"] if plan.state in (State.CERTIFIED, State.NOT_CERTIFIED) else None,
            )
        )
    Evaluation.objects.bulk_create(evaluations, batch_size=1000)
    scores, events = [], []
    for plan, evaluation in zip(planned, evaluations, strict=True):
        for item, points in zip(items[plan.year], plan.points, strict=True):
            scores.append(Score(evaluation=evaluation, item=item, points=points, max_points=item.max_points))
        for minute, (action, from_state, to_state, day) in enumerate(plan.events):
            # Scores as entered on creation; every later entry carries the same total.
            changes = (
                {item.code: [None, p] for item, p in zip(items[plan.year], plan.points, strict=True)}
                if action == Event.CREATED
                else {}
            )
            note = plan.return_reason if action == Event.RETURNED else ""
            events.append(
                EvaluationEvent(
                    evaluation=evaluation,
                    action=action,
                    actor=None,
                    at=_aware(day, 9, minute),
                    from_state=from_state,
                    to_state=to_state,
                    total=evaluation.total,
                    stars=evaluation.stars,
                    changes=changes,
                    note=note,
                )
            )
    Score.objects.bulk_create(scores, batch_size=2000)
    EvaluationEvent.objects.bulk_create(events, batch_size=2000)
    return len(evaluations) + len(scores) + len(events)


# --------------------------------------------------------------------------
# Pairings
# --------------------------------------------------------------------------


def plan_pairings(
    rng: random.Random, partners: Sequence[PartyOrganization], candidates: Sequence[PartyOrganization]
) -> list[Pairing]:
    """Strong partners (annotated latest_stars) paired with weaker ones in the same area where possible."""
    weak_by_area: dict[int, list[PartyOrganization]] = defaultdict(list)
    for party in candidates:
        weak_by_area[party.area_id].append(party)
    # The best first: every four- and five-star organisation leads a pairing, then some three-stars.
    ordered = sorted(partners, key=lambda p: (-p.latest_stars, p.name, p.pk))
    chosen = [p for p in ordered if p.latest_stars >= 4]
    threes = [p for p in ordered if p.latest_stars == STRONG_MIN_STARS]
    chosen += rng.sample(threes, min(len(threes), max(0, PAIRINGS - len(chosen))))
    taken: set[int] = set()
    pairings = []
    for partner in chosen:
        pool = [p for p in weak_by_area.get(partner.area_id, []) if p.pk not in taken and p.pk != partner.pk]
        if not pool:
            pool = [p for p in candidates if p.pk not in taken and p.pk != partner.pk]
        if not pool:
            break
        helped = rng.choice(pool)
        taken.add(helped.pk)
        if helped.latest_stars is not None and helped.latest_stars <= 2:
            reason = Pairing.Reason.LOW_STARS
        elif helped.latest_stars is None:
            reason = Pairing.Reason.UNRATED
        else:
            reason = Pairing.Reason.WARNING
        started = _day(rng, dt.date(2020, 3, 1), dt.date(2020, 9, 30))
        completed = rng.random() < 0.15
        pairings.append(
            Pairing(
                partner=partner,
                party_organization=helped,
                partner_stars=partner.latest_stars,
                reason=reason,
                started_on=started,
                goals=rng.choice(_GOALS),
                progress_notes=rng.choice(_PROGRESS),
                status=Pairing.Status.COMPLETED if completed else Pairing.Status.ACTIVE,
                ended_on=_day(rng, dt.date(2020, 11, 1), dt.date(2020, 12, 31)) if completed else None,
            )
        )
    return pairings


def seed_pairings(rng: random.Random) -> int:
    if Pairing.objects.exists() or not Evaluation.objects.exists():
        return 0
    parties = PartyOrganization.objects.all()
    partners = list(selectors.pairing_partners(parties).order_by("name", "pk"))
    candidates = list(selectors.pairing_candidates(selectors.ratable_party_organizations()).order_by("name", "pk"))
    return len(Pairing.objects.bulk_create(plan_pairings(rng, partners, candidates)))


STEPS: Sequence[tuple[str, Callable[[random.Random], int]]] = (
    ("rounds", seed_rounds),
    ("evaluations", seed_evaluations),
    ("pairings", seed_pairings),
)
