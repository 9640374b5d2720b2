"""Demo steps for seed_demo: what residents of the 100 pilot communities need,
what the organisations serving them offer, the projects matching the two
(about six needs in ten met by the end of 2020) and the community
organisations incubated there.

Each step uses only its own generator and reads what the engagement steps
wrote, in a fixed order, so no other step's figures move; each is skipped
when its own rows exist (seed_demo runs again safely).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Sequence

from engagement.models import PilotAssignment, PilotCommunity
from organizations.demo import AS_OF
from organizations.models import SocialOrganization

from .models import Category, IncubatedOrganization, Need, Project, ServiceItem

NEEDS_PER_COMMUNITY = (2, 6)
# Share of needs given a project; with the statuses below about 58% end up met.
MATCHED_SHARE = 0.68
PROJECT_STATUS_WEIGHTS = {
    Project.Status.RUNNING: 0.50,
    Project.Status.COMPLETED: 0.35,
    Project.Status.PLANNED: 0.10,
    Project.Status.STOPPED: 0.05,
}
INCUBATED = 14

_NEEDS = {
    Category.ELDERLY: ("独居老人助餐", "高龄老人日间照料", "老年人防诈骗宣传", "失能老人上门护理"),
    Category.DISABILITY: ("残疾人康复训练", "无障碍设施改造", "残疾人辅助就业"),
    Category.CHILDREN: ("四点半课堂", "留守儿童陪伴", "青少年暑期托管", "家庭教育讲座"),
    Category.EMPLOYMENT: ("失业人员技能培训", "灵活就业信息对接", "高校毕业生就业指导"),
    Category.MENTAL_HEALTH: ("疫情后心理疏导", "家庭矛盾调解与心理支持", "老年人心理关爱"),
    Category.LEGAL_AID: ("物业纠纷法律咨询", "婚姻家庭法律援助", "劳动争议法律服务"),
    Category.ENVIRONMENT: ("老旧小区垃圾分类", "楼院绿化美化", "背街小巷环境整治"),
    Category.CULTURE_SPORT: ("社区文艺队排练场地", "全民健身指导", "“十四运”志愿服务宣传"),
    Category.OTHER: ("社区议事协商能力建设", "邻里互助平台"),
}
_OFFERS = {
    Category.ELDERLY: ("社区老年食堂运营", "居家养老上门服务", "老年人健康讲座"),
    Category.DISABILITY: ("康复训练与辅具适配", "残疾人就业辅导"),
    Category.CHILDREN: ("课后托管与作业辅导", "青少年成长小组", "亲子阅读活动"),
    Category.EMPLOYMENT: ("职业技能培训班", "就业招聘对接会"),
    Category.MENTAL_HEALTH: ("心理咨询热线与个案辅导", "社区心理健康讲座"),
    Category.LEGAL_AID: ("律师进社区法律咨询", "法律援助代理", "普法宣传讲座"),
    Category.ENVIRONMENT: ("垃圾分类指导", "社区微环境改造"),
    Category.CULTURE_SPORT: ("文体队伍培训", "社区运动会组织"),
    Category.OTHER: ("社区议事能力培训", "志愿者队伍建设"),
}
# What each kind of organisation mostly offers (law firms legal aid, …).
_OFFER_WEIGHTS = {
    SocialOrganization.Category.LAW_FIRM: {Category.LEGAL_AID: 8, Category.OTHER: 1},
    SocialOrganization.Category.ACCOUNTING_FIRM: {Category.EMPLOYMENT: 3, Category.OTHER: 2, Category.LEGAL_AID: 1},
}
_GENERAL_OFFERS = {c: 1 for c in Category if c not in (Category.LEGAL_AID,)} | {
    Category.ELDERLY: 3,
    Category.CHILDREN: 2,
}
_INCUBATED_NAMES = ("志愿者协会", "老年文体队", "邻里互助会", "环保志愿队", "家长互助会", "调解工作室", "读书会")


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    last = max(first, last)
    return dt.date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


def _serving_organizations() -> list[SocialOrganization]:
    ids = PilotAssignment.objects.values("organization")
    return list(SocialOrganization.objects.filter(pk__in=ids).order_by("credit_code", "pk"))


def seed_service_items(rng: random.Random) -> int:
    """One to three offers from every organisation serving a pilot community."""
    if ServiceItem.objects.exists() or not PilotAssignment.objects.exists():
        return 0
    items = []
    for org in _serving_organizations():
        weights = _OFFER_WEIGHTS.get(org.category, _GENERAL_OFFERS)
        categories = list(weights)
        chosen: list[str] = []
        for _ in range(rng.randint(1, 3)):
            category = rng.choices(categories, [weights[c] for c in categories])[0]
            if category not in chosen:
                chosen.append(category)
        for category in chosen:
            items.append(
                ServiceItem(
                    organization=org,
                    category=category,
                    description=rng.choice(_OFFERS[Category(category)]),
                    capacity=rng.choice((50, 80, 100, 150, 200, 300, 500, 1000)),
                )
            )
    return len(ServiceItem.objects.bulk_create(items))


def seed_needs(rng: random.Random) -> int:
    """Two to six needs in every pilot community, found between its selection and the end of 2020."""
    if Need.objects.exists() or not PilotCommunity.objects.exists():
        return 0
    categories = list(_NEEDS)
    sources = list(Need.Source)
    needs = []
    for pilot in PilotCommunity.objects.order_by("community__path"):
        for category in rng.sample(categories, rng.randint(*NEEDS_PER_COMMUNITY)):
            needs.append(
                Need(
                    community=pilot,
                    category=category,
                    description=rng.choice(_NEEDS[category]),
                    source=rng.choices(sources, (4, 3, 2, 2, 1))[0],
                    recorded_on=_day(rng, pilot.selected_on, dt.date(2020, 9, 30)),
                )
            )
    return len(Need.objects.bulk_create(needs))


def seed_projects(rng: random.Random) -> int:
    """About two needs in three matched, each with an offer of an organisation
    serving that community (of the need's category where one exists)."""
    if Project.objects.exists() or not Need.objects.exists() or not ServiceItem.objects.exists():
        return 0
    items_by_org: dict[int, list[ServiceItem]] = defaultdict(list)
    for item in ServiceItem.objects.order_by("organization_id", "pk"):
        items_by_org[item.organization_id].append(item)
    serving: dict[int, list[int]] = defaultdict(list)
    for community_id, org_id in PilotAssignment.objects.order_by("community_id", "organization_id").values_list(
        "community_id", "organization_id"
    ):
        serving[community_id].append(org_id)
    statuses = list(PROJECT_STATUS_WEIGHTS)
    projects = []
    for need in Need.objects.select_related("community__community").order_by("community__community__path", "pk"):
        offers = [item for org_id in serving[need.community_id] for item in items_by_org[org_id]]
        if not offers or rng.random() >= MATCHED_SHARE:
            continue
        fitting = [item for item in offers if item.category == need.category]
        item = rng.choice(fitting or offers)
        status = rng.choices(statuses, list(PROJECT_STATUS_WEIGHTS.values()))[0]
        starts_on = _day(rng, need.recorded_on + dt.timedelta(days=7), AS_OF - dt.timedelta(days=20))
        ends_on = None
        if status in (Project.Status.COMPLETED, Project.Status.STOPPED):
            ends_on = _day(rng, starts_on + dt.timedelta(days=14), AS_OF)
        people = 0 if status == Project.Status.PLANNED else rng.randint(10, min(item.capacity, 300))
        projects.append(
            Project(
                need=need,
                service_item=item,
                name=f"{need.community.community.name}{need.description}项目",
                starts_on=starts_on,
                ends_on=ends_on,
                status=status,
                people_served=people,
            )
        )
    return len(Project.objects.bulk_create(projects))


def seed_incubated(rng: random.Random) -> int:
    """A few community organisations incubated in pilot communities, some registered by the end of 2020."""
    if IncubatedOrganization.objects.exists() or not PilotCommunity.objects.exists():
        return 0
    pilots = list(PilotCommunity.objects.select_related("community").order_by("community__path"))
    rows = []
    for pilot in rng.sample(pilots, INCUBATED):
        started_on = _day(rng, pilot.selected_on, dt.date(2020, 8, 31))
        registered = rng.random() < 0.4
        rows.append(
            IncubatedOrganization(
                community=pilot,
                name=pilot.community.name.removesuffix("社区") + rng.choice(_INCUBATED_NAMES),
                started_on=started_on,
                status=IncubatedOrganization.Status.REGISTERED
                if registered
                else IncubatedOrganization.Status.INCUBATING,
                registered_on=_day(rng, started_on + dt.timedelta(days=60), AS_OF) if registered else None,
            )
        )
    return len(IncubatedOrganization.objects.bulk_create(rows))


STEPS: Sequence[tuple[str, Callable[[random.Random], int]]] = (
    ("service_items", seed_service_items),
    ("needs", seed_needs),
    ("projects", seed_projects),
    ("incubated", seed_incubated),
)
