"""What a chunk's organisations do, in the demo's proportions
(engagement/demo.py): contributions to poverty alleviation and epidemic
control, service in the pilot communities, and the plaques that go with it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from engagement import demo as engagement_demo
from engagement.models import Contribution

from .common import AS_OF, Weighted, chunk_rng, day_between, pick
from .records import ChunkRecords, PlannedOrganization

Kind = Contribution.Kind

# Rows per organisation registered before 2020 and their averages, from the
# demo's totals: 420 poverty rows (59.978 million yuan, 29,965 people) and
# 560 epidemic rows (85.556 million yuan) over about 3,500 organisations.
POVERTY_RATE = 0.12
EPIDEMIC_RATE = 0.16
POVERTY_MEAN_YUAN = 142_800
POVERTY_MEAN_PEOPLE = 71
EPIDEMIC_MEAN_YUAN = 152_800
EXEMPLARY_SHARE = 0.06
# About one organisation in five with its own party organisation serves a
# pilot community; one in six of those holds a plaque.
PILOT_SHARE = 0.21
FIRM_PILOT_KEEP = 0.1
PLAQUE_SHARE = 0.18
_LOGNORMAL_MEAN = {1.1: 1.8299, 0.9: 1.4993, 1.2: 2.0544, 1.0: 1.6487}  # e^(sigma^2/2)
_YEARS = Weighted([2016, 2017, 2018, 2019, 2020], [1, 2, 3, 4, 4])


@dataclass(eq=False, slots=True)
class PlannedContribution:
    organization: PlannedOrganization
    made_on: dt.date
    kind: str
    money_yuan: Decimal
    goods_value_yuan: Decimal
    people_helped: int
    is_exemplary_case: bool
    description: str


@dataclass(eq=False, slots=True)
class PlannedPilot:
    organization: PlannedOrganization
    community_pk: int
    selected_on: dt.date
    plaque_on: dt.date | None
    place: str


@dataclass
class ChunkActivities:
    contributions: list[PlannedContribution] = field(default_factory=list)
    pilots: list[PlannedPilot] = field(default_factory=list)


def _lognormal_yuan(rng, sigma: float, mean: float) -> int:
    """An amount in hundreds of yuan, as donations are, averaging `mean`."""
    return max(100, round(rng.lognormvariate(0, sigma) * mean / _LOGNORMAL_MEAN[sigma] / 100) * 100)


def plan_activities(reference, chunk: int, records: ChunkRecords) -> ChunkActivities:
    rng = chunk_rng(chunk, "activities")
    planned = ChunkActivities()
    own = {o.number for p in records.parties if p.formation == "standalone" and p.status == "active" for o in p.members}
    pilots_by_district = defaultdict(list)
    for pilot in reference.pilots:
        pilots_by_district[pilot.registration_path].append(pilot)
    for org in records.organizations:
        if org.status != "active":
            continue
        if org.registered_on < dt.date(2020, 1, 1):
            weight = engagement_demo._GIVING_WEIGHT[org.category] * (3.0 if org.is_trade_association else 1.0) / 1.3
            if rng.random() < POVERTY_RATE * weight:
                planned.contributions.append(_poverty(rng, org))
            if rng.random() < EPIDEMIC_RATE * weight:
                planned.contributions.append(_epidemic(rng, org))
        firm = org.category in engagement_demo._FIRMS
        if reference.pilots and org.number in own and rng.random() < PILOT_SHARE * (FIRM_PILOT_KEEP if firm else 1):
            pilot = pick(rng, pilots_by_district.get(org.area.path) or reference.pilots)
            selection_day = dt.date(2020, 4, 1)
            planned.pilots.append(
                PlannedPilot(
                    organization=org,
                    community_pk=pilot.pk,
                    selected_on=day_between(rng, pilot.selected_on, selection_day + dt.timedelta(days=19)),
                    plaque_on=engagement_demo.PLAQUE_DAY if rng.random() < PLAQUE_SHARE else None,
                    place=pilot.place,
                )
            )
    return planned


def _poverty(rng, org: PlannedOrganization) -> PlannedContribution:
    year = _YEARS.pick(rng)
    first = max(org.registered_on + dt.timedelta(days=1), dt.date(year, 1, 1))
    roll = rng.random()
    money = 0 if roll < 0.15 else _lognormal_yuan(rng, 1.1, POVERTY_MEAN_YUAN)
    people = 0 if 0.15 <= roll < 0.35 else max(1, round(rng.lognormvariate(0, 0.9) * POVERTY_MEAN_PEOPLE / 1.4993))
    return PlannedContribution(
        organization=org,
        made_on=day_between(rng, first, max(first, dt.date(year, 12, 31))),
        kind=Kind.POVERTY,
        money_yuan=Decimal(money),
        goods_value_yuan=Decimal(0),
        people_helped=people,
        is_exemplary_case=rng.random() < EXEMPLARY_SHARE,
        description=pick(rng, engagement_demo._POVERTY_WORK).format(place=pick(rng, engagement_demo._POVERTY_PLACES)),
    )


def _epidemic(rng, org: PlannedOrganization) -> PlannedContribution:
    if rng.random() < 0.8:
        made_on = day_between(rng, dt.date(2020, 1, 24), dt.date(2020, 4, 30))
    else:
        made_on = day_between(rng, dt.date(2020, 5, 1), AS_OF)
    roll = rng.random()
    # Money about three fifths of the total, priced goods the rest.
    money = 0 if roll < 0.3 else _lognormal_yuan(rng, 1.2, EPIDEMIC_MEAN_YUAN * 0.6 / 0.7)
    goods = 0 if roll >= 0.55 else round(rng.lognormvariate(0, 1.0) * EPIDEMIC_MEAN_YUAN * 0.4 / 0.55 / 1.6487)
    people = rng.randint(20, 600) if rng.random() < 0.3 else 0
    if not (money or goods or people):
        people = rng.randint(5, 60)  # every contribution records something
    return PlannedContribution(
        organization=org,
        made_on=made_on,
        kind=Kind.EPIDEMIC,
        money_yuan=Decimal(money),
        goods_value_yuan=Decimal(goods),
        people_helped=people,
        is_exemplary_case=rng.random() < EXEMPLARY_SHARE,
        description=pick(rng, engagement_demo._EPIDEMIC_WORK),
    )
