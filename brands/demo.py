"""Demo step for seed_demo: party-building brands (党建品牌) as of end-December
2020, named for party organisations the ratings step rated three stars or
more, read back from the database, in every district and zone in proportion
to its strong organisations (at least one each).

The source gives no count of brands ("打造一批叫得响、推得开、有影响的党建新品牌"),
so the demo names 36: mostly district-level, nine city-level and three
provincial (the best-rated first, each district keeping a district-level one).
Only this step's rng is drawn from, so no other step's figures move; the
step is skipped when brands exist (seed_demo runs again safely).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence

from organizations.models import PartyOrganization
from ratings.models import STRONG_MIN_STARS
from ratings.selectors import with_standing

from .models import Brand

BRANDS = 36
PROVINCIAL = 3
CITY = 9

NAMES = (
    "红色物业·幸福家园", "律动先锋", "初心驿站", "红心向党·服务为民", "党建+公益·携手同行", "同心圆",
    "红色引擎", "先锋之家", "暖心工程", "红石榴", "法润民心", "红色账本", "匠心筑梦", "书香党建",
    "商会党建·助企同行", "红帆领航", "爱心驿站", "长安红", "古城先锋", "红色管家", "银发先锋",
    "红色律师团", "惠民先锋", "携手共建·和谐社区", "红色课堂", "党建引领·社工先行", "筑梦青春",
    "行业先锋·红旗飘扬", "双强领航", "红色纽带", "医心向党", "文脉传承·红色印记", "红色算盘",
    "绿色家园", "科技先锋", "亮灯行动", "红色驿站·温暖回家", "党建赋能·振兴乡村", "秦岭红",
    "丝路先锋",
)  # fmt: skip

THEMES = (
    ("党建引领物业服务", "组建党员志愿服务队，推动小区治理难题就地解决"),
    ("党员律师公益法律服务", "定期进社区开展法律咨询和矛盾纠纷调解"),
    ("行业协会党建联建", "带动会员单位规范经营、诚信自律"),
    ("党建+志愿服务", "常态化开展助老助残、关爱留守儿童活动"),
    ("党建助力乡村振兴", "结对帮扶贫困村发展特色产业、带动群众增收"),
    ("党员先锋岗", "在疫情防控和复工复产中亮身份、作表率"),
    ("红色教育阵地", "依托党建活动室开展主题党日和党员教育培训"),
    ("党建引领社工服务", "以专业社工服务回应社区居民多样化需求"),
)

PROMOTIONS = (
    "西安日报专题报道",
    "市委组织部现场观摩会交流发言",
    "区融媒体中心系列报道",
    "微信公众号“红色先锋”专栏",
    "全市社会组织党建工作推进会经验交流",
    "陕西党建网刊发",
    "学习强国陕西平台刊发",
    "",
)


def _quotas(sizes: dict[int, int], count: int) -> dict[int, int]:
    """Brands per area: in proportion to its strong organisations, at least
    one each (while `count` allows), the rest trimmed or added at the largest."""
    total = sum(sizes.values())
    quotas = {area: min(size, max(1, round(count * size / total))) for area, size in sizes.items()}
    largest_first = sorted(sizes, key=lambda area: (-sizes[area], area))
    while sum(quotas.values()) > count:
        trimmable = [area for area in largest_first if quotas[area] > 1]
        if not trimmable:
            break
        quotas[trimmable[0]] -= 1
    while sum(quotas.values()) < count and any(quotas[a] < sizes[a] for a in largest_first):
        quotas[next(a for a in largest_first if quotas[a] < sizes[a])] += 1
    return quotas


def _levels(chosen: list[PartyOrganization]) -> dict[int, str]:
    """The best-rated of those chosen (stable by key among equals) take the
    provincial, then the city levels, so long as their area keeps a
    district-level brand: every district shows brands of its own level."""
    district_left: dict[int, int] = defaultdict(int)
    for party in chosen:
        district_left[party.area_id] += 1
    levels = {party.pk: Brand.Level.DISTRICT for party in chosen}
    slots = [Brand.Level.PROVINCE] * PROVINCIAL + [Brand.Level.CITY] * CITY
    for party in sorted(chosen, key=lambda party: (-party.latest_stars, party.pk)):
        if not slots:
            break
        if district_left[party.area_id] > 1:
            levels[party.pk] = slots.pop(0)
            district_left[party.area_id] -= 1
    return levels


def seed_brands(rng: random.Random) -> int:
    if Brand.objects.exists():
        return 0
    strong = list(
        with_standing(PartyOrganization.objects.filter(status=PartyOrganization.Status.ACTIVE))
        .filter(latest_stars__gte=STRONG_MIN_STARS)
        .order_by("pk")
    )
    if not strong:
        return 0
    by_area: dict[int, list[PartyOrganization]] = defaultdict(list)
    for party in strong:
        by_area[party.area_id].append(party)
    quotas = _quotas({area: len(parties) for area, parties in by_area.items()}, min(BRANDS, len(strong)))
    chosen = [party for area in sorted(by_area) for party in rng.sample(by_area[area], quotas[area])]
    names = rng.sample(NAMES, len(chosen))
    levels = _levels(chosen)
    first_year = {Brand.Level.DISTRICT: 2016, Brand.Level.CITY: 2018, Brand.Level.PROVINCE: 2019}
    rows = []
    for party, name in zip(chosen, names, strict=True):
        level = levels[party.pk]
        theme, deed = rng.choice(THEMES)
        rows.append(
            Brand(
                party_organization=party,
                name=name,
                description=f"{party.name}以“{theme}”为抓手，{deed}，形成了“{name}”党建品牌。",
                year=rng.randint(first_year[level], 2020),
                level=level,
                promotion=rng.choice(PROMOTIONS),
            )
        )
    return len(Brand.objects.bulk_create(rows))


STEPS: Sequence[tuple[str, Callable[[random.Random], int]]] = (("brands", seed_brands),)
