"""Demo steps for seed_demo: training bases, governance pilots and contributions
as of end-December 2020, reproducing the source's figures from records.

The figures (29 bases, 12 provincial points; 100 pilot communities, 180
pilot organisations, 32 plaques; 59.978 M yuan and nearly 30,000 people for
poverty alleviation, 85.556 M yuan for epidemic control) are what the
dashboard must compute, so amounts are drawn at random and then apportioned
so that the totals come out exact to the yuan.

Each step reads what the organisations' steps wrote, in a fixed order, and
is skipped when its own rows exist (seed_demo runs again safely).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.db.models import BooleanField, ExpressionWrapper

from organizations.demo import AS_OF
from organizations.models import Area, SocialOrganization
from organizations.selectors import coverage_conditions

from .models import Contribution, PilotAssignment, PilotCommunity, PlaqueAward, TrainingBase, TrainingSession

TRAINING_BASES = 29
PROVINCIAL_POINTS = 12
PILOT_COMMUNITIES = 100
PILOT_ORGANIZATIONS = 180
PLAQUES = 32
# The source gives "26 April" with no year; the seed stands at end-December
# 2020, so the launch is placed in that year.
PLAQUE_DAY = dt.date(2020, 4, 26)
PLAQUE_PLACE = "碑林区南院门街道保吉巷社区"
LAUNCH_COMMUNITY = ("保吉巷社区", "南院门街道")
POVERTY_YUAN = 59_978_000
EPIDEMIC_YUAN = 85_556_000
# "Nearly 30,000 people" (近3万人次).
POVERTY_PEOPLE_RANGE = (29_800, 29_990)
# "More than 80 exemplary cases" (80余例).
EXEMPLARY_RANGE = (81, 89)

Kind = Contribution.Kind


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return dt.date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


def apportion(weights: Sequence[float], total: int) -> list[int]:
    """Whole units summing exactly to `total`, in proportion to `weights`.

    Every positive weight gets at least one unit (so a drawn amount never
    rounds away to nothing); the rest goes by largest remainder, ties to the
    earlier row, so the result depends on the weights alone.
    """
    positive = [i for i, w in enumerate(weights) if w > 0]
    if total < len(positive):
        raise ValueError("total too small for the number of rows")
    shares = [0] * len(weights)
    for i in positive:
        shares[i] = 1
    rest = total - len(positive)
    weight_sum = sum(weights[i] for i in positive)
    exact = {i: rest * weights[i] / weight_sum for i in positive}
    for i in positive:
        shares[i] += int(exact[i])
    leftover = total - sum(shares)
    for i in sorted(positive, key=lambda i: (-(exact[i] - int(exact[i])), i))[:leftover]:
        shares[i] += 1
    return shares


def _has_own_party_org(on: dt.date) -> ExpressionWrapper:
    return ExpressionWrapper(coverage_conditions(on=on)["has_own_party_org"], BooleanField())


def _ranked_organizations(on: dt.date) -> list[SocialOrganization]:
    """Active organisations by how strong their party work is likely to be:
    a standalone branch first, then more formal party members.

    Star ratings are not in the records yet; this stands in for 星级优先.
    """
    organizations = (
        SocialOrganization.objects.filter(status=SocialOrganization.Status.ACTIVE, registered_on__lt=on)
        .select_related("area")
        .annotate(has_own=_has_own_party_org(on))
        .order_by("credit_code")
    )
    return sorted(organizations, key=lambda o: (not o.has_own, -o.formal_party_members, o.credit_code))


# Law and accounting firms have strong party work but serve communities and
# host training less often than social groups and service agencies do.
_FIRMS = (SocialOrganization.Category.LAW_FIRM, SocialOrganization.Category.ACCOUNTING_FIRM)


def _fewer_firms(rng: random.Random, ranked: list[SocialOrganization], keep: float) -> list[SocialOrganization]:
    return [o for o in ranked if o.category not in _FIRMS or rng.random() < keep]


def _registration_path(area_path: str) -> str:
    """The registration area's path from a community's: /city/district/."""
    return "/".join(area_path.split("/")[:3]) + "/"


# --------------------------------------------------------------------------
# Training bases and sessions
# --------------------------------------------------------------------------

_CORE_DISTRICTS = ("610103", "610113", "XAGX", "610102", "610104", "610112", "610116")
_FUNCTIONS = tuple(TrainingBase.FUNCTION_FIELDS.values())


def seed_training_bases(rng: random.Random) -> int:
    if TrainingBase.objects.exists():
        return 0
    areas = list(Area.objects.registration_areas().order_by("path"))
    districts = [a for a in areas if a.level != Area.Level.CITY]
    city = next(a for a in areas if a.level == Area.Level.CITY)
    # One base in every district, county and zone, three municipal ones, the
    # rest in the central districts where most organisations are.
    extra = TRAINING_BASES - len(districts) - 3
    core = [a for a in districts if a.code in _CORE_DISTRICTS]
    placed = [*districts, city, city, city, *(rng.choice(core) for _ in range(extra))]

    ranked = _fewer_firms(rng, _ranked_organizations(AS_OF), 0.2)
    by_area: dict[int, list[SocialOrganization]] = defaultdict(list)
    for org in ranked:
        if org.has_own:
            by_area[org.area_id].append(org)

    bases: list[TrainingBase] = []
    used_hosts: set[int] = set()
    names: set[str] = set()
    # Five bases are run by party service centres rather than an organisation.
    centre_slots = set(rng.sample(range(len(placed)), 5))
    for index, area in enumerate(placed):
        candidates = [o for o in by_area[area.pk][:6] if o.pk not in used_hosts]
        if index in centre_slots or not candidates:
            host_name = f"{area.name}社会组织党群服务中心"
            name = f"{area.name}社会组织党建实训基地"
            if name in names:
                host_name = f"{area.name}{rng.choice(('两新', '新兴领域'))}党群服务中心"
                name = f"{host_name}党建实训基地"
            host = None
        else:
            host = rng.choice(candidates)
            used_hosts.add(host.pk)
            host_name = ""
            name = f"{host.name}党建实训基地"
        names.add(name)
        bases.append(TrainingBase(name=name, host_organization=host, host_name=host_name, area=area))

    # Provincial points combine all five functions; the others at least three,
    # listening and practising always among them.
    provincial = set(rng.sample(range(len(bases)), PROVINCIAL_POINTS))
    for index, base in enumerate(bases):
        base.is_provincial_point = index in provincial
        core = ("offers_listening", "offers_practising")
        others = [f for f in _FUNCTIONS if f not in core]
        offered = set(_FUNCTIONS) if base.is_provincial_point else {*core, *rng.sample(others, rng.randint(1, 3))}
        for field in _FUNCTIONS:
            setattr(base, field, field in offered)
    return len(TrainingBase.objects.bulk_create(bases))


_SESSION_TOPICS = (
    ("新任党组织书记示范培训班", True),
    ("社会组织党组织书记轮训班", True),
    ("党务工作者业务培训", False),
    ("标准化规范化党支部建设现场教学", False),
    ("“三会一课”实务观摩", False),
    ("“评星晋级、争创双强”工作培训", False),
    ("党建指导员业务培训", False),
)


def seed_training_sessions(rng: random.Random) -> int:
    if TrainingSession.objects.exists() or not TrainingBase.objects.exists():
        return 0
    sessions: list[TrainingSession] = []
    for base in TrainingBase.objects.order_by("name"):
        taken: set[tuple[dt.date, str]] = set()
        for _ in range(rng.randint(2, 5) + (2 if base.is_provincial_point else 0)):
            # No training in the lockdown weeks of early 2020.
            held_on = _day(rng, dt.date(2019, 3, 1), dt.date(2020, 12, 20))
            while dt.date(2020, 1, 24) <= held_on <= dt.date(2020, 4, 30):
                held_on = _day(rng, dt.date(2019, 3, 1), dt.date(2020, 12, 20))
            topic, for_secretaries = rng.choice(_SESSION_TOPICS)
            if (held_on, topic) in taken:
                continue
            taken.add((held_on, topic))
            attendees = rng.randint(30, 120)
            share = rng.uniform(0.5, 0.9) if for_secretaries else rng.uniform(0.0, 0.15)
            sessions.append(
                TrainingSession(
                    base=base,
                    held_on=held_on,
                    topic=topic,
                    attendees=attendees,
                    new_secretaries=int(attendees * share),
                )
            )
    return len(TrainingSession.objects.bulk_create(sessions))


# --------------------------------------------------------------------------
# Community governance pilots
# --------------------------------------------------------------------------

_SERVICES = (
    "居家养老",
    "四点半课堂",
    "法律咨询",
    "心理疏导",
    "社区文化活动",
    "便民维修",
    "就业指导",
    "健康义诊",
    "垃圾分类宣传",
    "青少年托管",
    "助残服务",
    "邻里互助",
    "疫情防控志愿服务",
    "“十四运”志愿服务",
)


def seed_pilot_communities(rng: random.Random) -> int:
    if PilotCommunity.objects.exists():
        return 0
    communities = list(Area.objects.filter(level=Area.Level.COMMUNITY).select_related("parent").order_by("path"))
    launch = [c for c in communities if (c.name, c.parent.name) == LAUNCH_COMMUNITY]
    others = [c for c in communities if c not in launch]
    chosen = launch + rng.sample(others, PILOT_COMMUNITIES - len(launch))
    pilots = [
        PilotCommunity(
            community=community,
            selected_on=_day(rng, dt.date(2020, 3, 2), dt.date(2020, 3, 31)),
            plan_note="四社联动：" + "、".join(rng.sample(_SERVICES, 3)),
        )
        for community in sorted(chosen, key=lambda c: c.path)
    ]
    return len(PilotCommunity.objects.bulk_create(pilots))


def seed_pilot_assignments(rng: random.Random) -> int:
    """180 organisations, strongest party work first, each serving one pilot
    community, in its own district where it can."""
    if PilotAssignment.objects.exists() or not PilotCommunity.objects.exists():
        return 0
    selection_day = dt.date(2020, 4, 1)
    pilots = list(PilotCommunity.objects.select_related("community").order_by("community__path"))
    ranked = _fewer_firms(rng, _ranked_organizations(selection_day), 0.1)
    city_path = Area.objects.get(level=Area.Level.CITY).path
    by_district: dict[str, list[SocialOrganization]] = defaultdict(list)
    for org in ranked:
        by_district[org.area.path].append(org)
    chosen: set[int] = set()
    load: dict[int, int] = defaultdict(int)
    assignments: list[PilotAssignment] = []

    def assign(org: SocialOrganization, pilot: PilotCommunity) -> None:
        chosen.add(org.pk)
        load[pilot.pk] += 1
        assignments.append(
            PilotAssignment(
                organization=org,
                community=pilot,
                selected_on=_day(rng, pilot.selected_on, selection_day + dt.timedelta(days=19)),
            )
        )

    # Every pilot community gets one of the strongest organisations of its district.
    order = pilots[:]
    rng.shuffle(order)
    for pilot in order:
        local = [o for o in by_district[_registration_path(pilot.community.path)] if o.pk not in chosen][:3]
        municipal = [o for o in by_district[city_path] if o.pk not in chosen][:3]
        assign(rng.choice(local or municipal or [o for o in ranked if o.pk not in chosen][:3]), pilot)

    # The rest from the top of the city-wide ranking, to the least-served
    # pilot community in their district (municipal ones anywhere).
    pilots_by_district: dict[str, list[PilotCommunity]] = defaultdict(list)
    for pilot in pilots:
        pilots_by_district[_registration_path(pilot.community.path)].append(pilot)
    remaining = [o for o in ranked if o.pk not in chosen][: (PILOT_ORGANIZATIONS - len(assignments)) * 2]
    rank = {org.pk: index for index, org in enumerate(ranked)}
    for org in sorted(rng.sample(remaining, PILOT_ORGANIZATIONS - len(assignments)), key=lambda o: rank[o.pk]):
        candidates = pilots_by_district.get(org.area.path) or pilots
        fewest = min(load[p.pk] for p in candidates)
        assign(org, rng.choice([p for p in candidates if load[p.pk] == fewest]))
    return len(PilotAssignment.objects.bulk_create(assignments))


def seed_plaques(rng: random.Random) -> int:
    """32 pilot organisations received plaques at the launch and signed pairing agreements."""
    if PlaqueAward.objects.exists() or not PilotAssignment.objects.exists():
        return 0
    assignments = list(PilotAssignment.objects.order_by("community__community__path", "organization__credit_code"))
    plaques = [
        PlaqueAward(
            organization_id=a.organization_id,
            community_id=a.community_id,
            awarded_on=PLAQUE_DAY,
            place=PLAQUE_PLACE,
            agreement_signed=True,
        )
        for a in rng.sample(assignments, PLAQUES)
    ]
    return len(PlaqueAward.objects.bulk_create(plaques))


# --------------------------------------------------------------------------
# Contributions
# --------------------------------------------------------------------------

_POVERTY_PLACES = ("蓝田县", "周至县", "鄠邑区", "临潼区", "阎良区", "高陵区", "长安区", "商洛市", "安康市", "汉中市")
_POVERTY_WORK = (
    "结对帮扶{place}贫困村产业项目",
    "捐资助学（{place}）",
    "消费扶贫：采购{place}农产品",
    "{place}贫困户技能培训",
    "{place}医疗义诊",
    "{place}村道与饮水工程捐建",
    "{place}留守儿童关爱行动",
)
_EPIDEMIC_WORK = (
    "捐款支持疫情防控",
    "捐赠口罩、防护服等防疫物资",
    "组织志愿者参与社区联防联控",
    "开通心理疏导热线",
    "为隔离人员提供生活保障服务",
    "捐赠消杀用品",
    "协助复工复产防疫指导",
)
# How likely each kind of organisation is to give (chambers and foundations most).
_GIVING_WEIGHT = {
    SocialOrganization.Category.SOCIAL_GROUP: 1.0,
    SocialOrganization.Category.SOCIAL_SERVICE: 1.2,
    SocialOrganization.Category.FOUNDATION: 5.0,
    SocialOrganization.Category.LAW_FIRM: 0.8,
    SocialOrganization.Category.ACCOUNTING_FIRM: 0.8,
}
POVERTY_ROWS = 420
EPIDEMIC_ROWS = 560


def _givers(rng: random.Random, organizations: list[SocialOrganization], count: int) -> list[SocialOrganization]:
    weights = [_GIVING_WEIGHT[o.category] * (3.0 if o.is_trade_association else 1.0) for o in organizations]
    return rng.choices(organizations, weights, k=count)


def _poverty_rows(rng: random.Random, organizations: list[SocialOrganization]) -> list[Contribution]:
    rows: list[Contribution] = []
    money_weights: list[float] = []
    people_weights: list[float] = []
    year_weights = {2016: 1, 2017: 2, 2018: 3, 2019: 4, 2020: 4}
    for org in _givers(rng, organizations, POVERTY_ROWS):
        year = rng.choices(list(year_weights), list(year_weights.values()))[0]
        # Not before the organisation existed.
        first = max(org.registered_on + dt.timedelta(days=1), dt.date(year, 1, 1))
        made_on = _day(rng, first, max(first, dt.date(year, 12, 31)))
        roll = rng.random()
        # Most give money and reach people; some only fund, some only serve.
        money_weights.append(0.0 if roll < 0.15 else rng.lognormvariate(0, 1.1))
        people_weights.append(0.0 if 0.15 <= roll < 0.35 else rng.lognormvariate(0, 0.9))
        rows.append(
            Contribution(
                organization=org,
                made_on=made_on,
                kind=Kind.POVERTY,
                description=rng.choice(_POVERTY_WORK).format(place=rng.choice(_POVERTY_PLACES)),
            )
        )
    # Money in hundreds of yuan, as donations are; people to the head.
    for row, hundreds in zip(rows, apportion(money_weights, POVERTY_YUAN // 100), strict=True):
        row.money_yuan = Decimal(hundreds * 100)
    people = rng.randint(*POVERTY_PEOPLE_RANGE)
    for row, helped in zip(rows, apportion(people_weights, people), strict=True):
        row.people_helped = helped
    for row in rng.sample(rows, 18):
        row.is_exemplary_case = True
    return rows


def _epidemic_rows(rng: random.Random, organizations: list[SocialOrganization]) -> list[Contribution]:
    rows: list[Contribution] = []
    money_weights: list[float] = []
    goods_weights: list[float] = []
    # Private hospitals sent medical teams to Hubei (援鄂医疗队) and medical supplies.
    hospitals = sorted(
        (o for o in organizations if o.name.endswith("医院")), key=lambda o: (-o.staff_count, o.credit_code)
    )[:4]
    for org in hospitals:
        rows.append(
            Contribution(
                organization=org,
                made_on=_day(rng, dt.date(2020, 1, 26), dt.date(2020, 2, 20)),
                kind=Kind.EPIDEMIC,
                teams_sent=rng.randint(1, 2),
                is_exemplary_case=True,
                people_helped=rng.randint(300, 1500),
                description="派出援鄂医疗队，并捐赠医用防护物资",
            )
        )
        money_weights.append(0.0)
        goods_weights.append(rng.lognormvariate(1.0, 0.5))
    for org in _givers(rng, organizations, EPIDEMIC_ROWS - len(rows)):
        # The first wave (late January to April) took most of the giving.
        if rng.random() < 0.8:
            made_on = _day(rng, dt.date(2020, 1, 24), dt.date(2020, 4, 30))
        else:
            made_on = _day(rng, dt.date(2020, 5, 1), AS_OF)
        roll = rng.random()
        money_weights.append(0.0 if roll < 0.3 else rng.lognormvariate(0, 1.2))
        goods_weights.append(0.0 if roll >= 0.55 else rng.lognormvariate(0, 1.0))
        rows.append(
            Contribution(
                organization=org,
                made_on=made_on,
                kind=Kind.EPIDEMIC,
                people_helped=rng.randint(20, 600) if rng.random() < 0.3 else 0,
                description=rng.choice(_EPIDEMIC_WORK),
            )
        )
    # Money and priced goods together make the reported total; money about
    # three fifths of it, in hundreds of yuan, goods to the yuan.
    money_total = round(EPIDEMIC_YUAN * rng.uniform(0.55, 0.65) / 100) * 100
    for row, hundreds in zip(rows, apportion(money_weights, money_total // 100), strict=True):
        row.money_yuan = Decimal(hundreds * 100)
    for row, yuan in zip(rows, apportion(goods_weights, EPIDEMIC_YUAN - money_total), strict=True):
        row.goods_value_yuan = Decimal(yuan)
    exemplary = rng.randint(*EXEMPLARY_RANGE) - len(hospitals)
    for row in rng.sample(rows[len(hospitals) :], exemplary):
        row.is_exemplary_case = True
    return rows


def seed_contributions(rng: random.Random) -> int:
    if Contribution.objects.exists():
        return 0
    organizations = list(
        SocialOrganization.objects.filter(
            status=SocialOrganization.Status.ACTIVE, registered_on__lt=dt.date(2020, 1, 1)
        ).order_by("credit_code")
    )
    if not organizations:
        return 0
    rows = _poverty_rows(rng, organizations) + _epidemic_rows(rng, organizations)
    return len(Contribution.objects.bulk_create(rows, batch_size=500))


STEPS: Sequence[tuple[str, Callable[[random.Random], int]]] = (
    ("training_bases", seed_training_bases),
    ("training_sessions", seed_training_sessions),
    ("pilot_communities", seed_pilot_communities),
    ("pilot_assignments", seed_pilot_assignments),
    ("plaques", seed_plaques),
    ("contributions", seed_contributions),
)
