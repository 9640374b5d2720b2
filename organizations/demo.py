"""Deterministic demo data: Xi'an's social organisations as of end-December 2020.

The figures the source interview gives (3,866 organisations, 1,272 party
organisations, work coverage 100%) must come out of the records, so the
generator plans the whole picture in memory first and only then writes it
with bulk inserts. Planning is pure (no database access), which lets a test
plan a second time and compare with what was written.

Every step is a plain function taking a `random.Random` and returning the
number of rows it created (0 when its data already exists). Other apps add
their own steps by exposing `STEPS` in their own `demo.py`; `seed_demo` runs
them after these, in INSTALLED_APPS order.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone

from accounts.models import User

from .coverage_state import refresh_coverage
from .creditcode import make_credit_code
from .instructors.workload import rebuild_workload
from .models import (
    MUST_ESTABLISH_MEMBERS,
    Area,
    InstructorAssignment,
    PartyOrganization,
    SocialOrganization,
    SupervisingUnit,
)
from .services import default_term_due

SEED = 20201231
AS_OF = dt.date(2020, 12, 31)
ACTIVE_ORGANIZATIONS = 3866
ACTIVE_PARTY_ORGANIZATIONS = 1272

Category = SocialOrganization.Category
SetupPath = SocialOrganization.SetupPath
Kind = PartyOrganization.Kind
Formation = PartyOrganization.Formation


def step_rng(step: str) -> random.Random:
    """The generator for one step, seeded from SEED and the step's name.

    One generator per step (rather than one shared by all) keeps a step's rows
    the same whether or not the steps before it ran in this invocation, so a
    re-run that skips finished steps still produces the same data.
    """
    return random.Random(f"{SEED}:{step}")


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return dt.date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


# --------------------------------------------------------------------------
# Areas
# --------------------------------------------------------------------------

# (code, name, level, division code, sub-districts, local street names for
# generated community names). Sub-districts are (name, known communities).
# Counties list towns (镇) at sub-district level, as their ledgers do.
REGISTRATION_AREAS: tuple[tuple[str, str, str, str, tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...]], ...] = (
    (
        "610102",
        "新城区",
        "district",
        "610102",
        (("西一路街道", ()), ("解放门街道", ()), ("韩森寨街道", ()), ("长乐中路街道", ())),
        ("西一路", "尚勤路", "东新街", "解放门", "韩森寨", "公园南路", "长乐中路", "金花北路", "幸福北路", "自强东路"),
    ),
    (
        "610103",
        "碑林区",
        "district",
        "610103",
        (
            ("南院门街道", ("保吉巷社区", "五味什字社区", "大车家巷社区", "琉璃街社区")),
            ("柏树林街道", ("东县门社区", "柏树林社区", "卧龙巷社区")),
            ("长乐坊街道", ()),
            ("东关南街街道", ()),
        ),
        ("书院门", "文艺路", "太乙路", "东关正街", "长乐坊", "和平门", "建国路", "大学东路", "友谊东路", "德福巷"),
    ),
    (
        "610104",
        "莲湖区",
        "district",
        "610104",
        (
            ("北院门街道", ("大麦市社区", "西羊市社区", "大学习巷社区")),
            ("青年路街道", ()),
            ("土门街道", ()),
            ("西关街道", ()),
        ),
        ("北院门", "青年路", "土门", "劳动路", "桃园路", "大兴东路", "枣园", "西关正街", "红庙坡", "星火路"),
    ),
    (
        "610111",
        "灞桥区",
        "district",
        "610111",
        (("纺织城街道", ()), ("十里铺街道", ()), ("红旗街道", ())),
        ("纺织城", "十里铺", "红旗", "灞桥", "纺正街", "田王", "西光", "纺渭路"),
    ),
    (
        "610112",
        "未央区",
        "district",
        "610112",
        (("大明宫街道", ()), ("未央宫街道", ()), ("谭家街道", ()), ("汉城街道", ())),
        ("大明宫", "太华南路", "未央宫", "谭家", "汉城", "辛家庙", "北二环", "玄武路"),
    ),
    (
        "610113",
        "雁塔区",
        "district",
        "610113",
        (("小寨路街道", ()), ("大雁塔街道", ()), ("电子城街道", ()), ("长延堡街道", ())),
        (
            "小寨",
            "长安中路",
            "大雁塔",
            "翠华路",
            "电子正街",
            "电子二路",
            "长延堡",
            "吉祥村",
            "含光路",
            "明德门",
            "西影路",
        ),
    ),
    (
        "610114",
        "阎良区",
        "district",
        "610114",
        (("凤凰路街道", ()), ("新华路街道", ()), ("振兴街道", ())),
        ("凤凰路", "人民路", "新华路", "振兴", "前进路", "航空城"),
    ),
    (
        "610115",
        "临潼区",
        "district",
        "610115",
        (("骊山街道", ()), ("秦陵街道", ()), ("新丰街道", ())),
        ("骊山", "华清", "秦陵", "新丰", "人民街", "芷阳"),
    ),
    (
        "610116",
        "长安区",
        "district",
        "610116",
        (("韦曲街道", ()), ("郭杜街道", ()), ("滦镇街道", ()), ("王曲街道", ())),
        ("韦曲", "樊川", "郭杜", "滦镇", "王曲", "神禾", "子午"),
    ),
    (
        "610117",
        "高陵区",
        "district",
        "610117",
        (("鹿苑街道", ()), ("崇皇街道", ()), ("姬家街道", ())),
        ("鹿苑", "泾河", "崇皇", "姬家", "通远", "昭慧"),
    ),
    (
        "610118",
        "鄠邑区",
        "district",
        "610118",
        (("甘亭街道", ()), ("余下街道", ()), ("玉蝉街道", ())),
        ("甘亭", "画展街", "余下", "玉蝉", "钟楼", "涝河"),
    ),
    (
        "610122",
        "蓝田县",
        "county",
        "610122",
        (("蓝关街道", ()), ("华胥镇", ()), ("汤峪镇", ())),
        ("蓝关", "北关", "华胥", "汤峪", "向阳", "城关"),
    ),
    (
        "610124",
        "周至县",
        "county",
        "610124",
        (("二曲街道", ()), ("哑柏镇", ()), ("楼观镇", ())),
        ("二曲", "哑柏", "楼观", "云塔", "集贤", "城关"),
    ),
    (
        "XAGX",
        "西安高新区",
        "zone",
        "610113",
        (("丈八沟街道", ()), ("鱼化寨街道", ()), ("细柳街道", ()), ("兴隆街道", ())),
        ("丈八", "科技路", "高新路", "唐延路", "锦业路", "鱼化寨", "细柳", "兴隆", "云水", "天谷"),
    ),
    (
        "XAJK",
        "西安经开区",
        "zone",
        "610112",
        (("张家堡街道", ()), ("草滩街道", ()), ("泾渭街道", ())),
        ("张家堡", "凤城", "文景路", "草滩", "泾渭", "明光路"),
    ),
    (
        "XAQJ",
        "曲江新区",
        "zone",
        "610113",
        (("曲江街道", ()), ("等驾坡街道", ()), ("雁南街道", ())),
        ("曲江池", "芙蓉", "雁南", "等驾坡", "曲江", "新开门"),
    ),
    (
        "XACB",
        "浐灞生态区",
        "zone",
        "610111",
        (("广运潭街道", ()), ("雁鸣湖街道", ()), ("浐灞半坡街道", ())),
        ("广运潭", "雁鸣湖", "半坡", "浐河", "灞河", "米家崖"),
    ),
    (
        "XAGW",
        "国际港务区",
        "zone",
        "610111",
        (("新筑街道", ()), ("新合街道", ()), ("港务街道", ())),
        ("新筑", "新合", "港务", "陆港", "保税", "向东"),
    ),
    (
        "XAHT",
        "航天基地",
        "zone",
        "610116",
        (("东长安街街道", ()), ("大兆街道", ()), ("杜曲街道", ())),
        ("东长安街", "航天", "神舟", "大兆", "杜曲", "飞天路"),
    ),
)

_COMMUNITY_STEMS = ("幸福", "和平", "建设", "光明", "新华", "友谊", "文化", "胜利", "团结", "育才", "东风", "朝阳")
_COMMUNITY_SUFFIXES = ("社区", "东社区", "西社区", "南社区", "北社区", "新村社区", "花园社区")


def plan_areas(rng: random.Random) -> list[Area]:
    """The area tree, unsaved, parents before children; `path` set as Area.save() would."""

    def node(code: str, name: str, level: str, parent: Area | None, division: str, order: int) -> Area:
        path = (parent.path if parent else "/") + f"{code}/"
        return Area(
            code=code, name=name, level=level, parent=parent, division_code=division, path=path, sort_order=order
        )

    city = node("610100", "西安市", Area.Level.CITY, None, "610100", 0)
    areas = [city]
    for order, (code, name, level, division, subdistricts, stems) in enumerate(REGISTRATION_AREAS, start=1):
        district = node(code, name, level, city, division, order)
        areas.append(district)
        used: set[str] = set()
        for sub_index, (sub_name, known) in enumerate(subdistricts, start=1):
            sub = node(f"{code}-{sub_index:02d}", sub_name, Area.Level.SUBDISTRICT, district, division, sub_index)
            areas.append(sub)
            names = list(known)
            wanted = max(len(names), rng.randint(3, 5))
            while len(names) < wanted:
                stem = rng.choice(stems) if rng.random() < 0.75 else rng.choice(_COMMUNITY_STEMS)
                candidate = stem + rng.choice(_COMMUNITY_SUFFIXES)
                if candidate not in used and candidate not in names:
                    names.append(candidate)
            used.update(names)
            for community_index, community_name in enumerate(names, start=1):
                areas.append(
                    node(
                        f"{sub.code}-{community_index:02d}",
                        community_name,
                        Area.Level.COMMUNITY,
                        sub,
                        division,
                        community_index,
                    )
                )
    return areas


def seed_areas(rng: random.Random) -> int:
    if Area.objects.exists():
        return 0
    areas = plan_areas(rng)
    # Level by level, so that every parent has its primary key before its
    # children are inserted.
    for level in (Area.Level.CITY, None, Area.Level.SUBDISTRICT, Area.Level.COMMUNITY):
        if level is None:
            batch = [a for a in areas if a.level in (Area.Level.DISTRICT, Area.Level.COUNTY, Area.Level.ZONE)]
        else:
            batch = [a for a in areas if a.level == level]
        Area.objects.bulk_create(batch)
    return len(areas)


# --------------------------------------------------------------------------
# Supervising units
# --------------------------------------------------------------------------

CIVIL_AFFAIRS = "西安市民政局"
JUSTICE = "西安市司法局"
FINANCE = "西安市财政局"
SCIENCE = "西安市科学技术协会"
EDUCATION = "西安市教育局"
COMMERCE_FEDERATION = "西安市工商业联合会"
HEALTH = "西安市卫生健康委员会"
CULTURE = "西安市文化和旅游局"
SPORT = "西安市体育局"
COMMERCE = "西安市商务局"
AGRICULTURE = "西安市农业农村局"
LABOUR = "西安市人力资源和社会保障局"
HOUSING = "西安市住房和城乡建设局"
TRANSPORT = "西安市交通局"
INDUSTRY = "西安市工业和信息化局"
MARKET = "西安市市场监督管理局"
ECOLOGY = "西安市生态环境局"
DISABLED = "西安市残疾人联合会"
WOMEN = "西安市妇女联合会"
YOUTH = "共青团西安市委员会"
ARTS = "西安市文学艺术界联合会"
SOCIAL_SCIENCES = "西安市社会科学界联合会"
RED_CROSS = "西安市红十字会"
VETERANS = "西安市退役军人事务局"

# (unit, its industry party committee or "", the industry word used in the
# names of joint branches under it)
SUPERVISING_UNITS: tuple[tuple[str, str, str], ...] = (
    # Civil affairs' committee takes the decoupled trade associations and the
    # directly registered organisations (the source's 市民政 行业党委).
    (CIVIL_AFFAIRS, "西安市社会组织行业党委", "社会组织"),
    (JUSTICE, "西安市律师行业党委", "律师行业"),
    (FINANCE, "西安市注册会计师行业党委", "注册会计师行业"),
    (SCIENCE, "西安市科协学会党委", "科技社团"),
    (EDUCATION, "西安市民办教育行业党委", "民办教育"),
    (COMMERCE_FEDERATION, "西安市工商联所属商会党委", "商会"),
    (HEALTH, "", "卫生健康"),
    (CULTURE, "", "文化旅游"),
    (SPORT, "", "体育"),
    (COMMERCE, "", "商贸流通"),
    (AGRICULTURE, "", "农业"),
    (LABOUR, "", "职业培训"),
    (HOUSING, "", "住房建设"),
    (TRANSPORT, "", "交通运输"),
    (INDUSTRY, "", "工业信息化"),
    (MARKET, "", "市场监管"),
    (ECOLOGY, "", "生态环境"),
    (DISABLED, "", "助残服务"),
    (WOMEN, "", "妇女"),
    (YOUTH, "", "青年"),
    (ARTS, "", "文艺"),
    (SOCIAL_SCIENCES, "", "社科"),
    (RED_CROSS, "", "红十字"),
    (VETERANS, "", "退役军人"),
)
_UNIT_LABELS = {name: label for name, _committee, label in SUPERVISING_UNITS}


def plan_supervising_units() -> list[SupervisingUnit]:
    return [
        SupervisingUnit(name=name, has_industry_committee=bool(committee), industry_committee_name=committee)
        for name, committee, _label in SUPERVISING_UNITS
    ]


def seed_supervising_units(rng: random.Random) -> int:  # noqa: ARG001 (a fixed list; every step takes the rng)
    if SupervisingUnit.objects.exists():
        return 0
    return len(SupervisingUnit.objects.bulk_create(plan_supervising_units()))


# --------------------------------------------------------------------------
# Social organisations: how they are named and where they register
# --------------------------------------------------------------------------

# Relative weights of the registration areas (the city node is "610100").
# Central districts and the high-tech zone hold most organisations.
_AREAS_DEFAULT = {
    "610100": 12,
    "610102": 6,
    "610103": 8,
    "610104": 7,
    "610111": 4,
    "610112": 7,
    "610113": 11,
    "610114": 1.5,
    "610115": 2.5,
    "610116": 6,
    "610117": 1.5,
    "610118": 2,
    "610122": 1.2,
    "610124": 1.2,
    "XAGX": 12,
    "XAJK": 4,
    "XAQJ": 4,
    "XACB": 3,
    "XAGW": 2,
    "XAHT": 2,
}
# Law and accounting firms sit in the business districts, never at city level.
_AREAS_FIRMS = {
    "610102": 6,
    "610103": 12,
    "610104": 8,
    "610111": 2,
    "610112": 8,
    "610113": 16,
    "610114": 0.5,
    "610115": 0.8,
    "610116": 3,
    "610117": 0.5,
    "610118": 0.6,
    "610122": 0.4,
    "610124": 0.4,
    "XAGX": 22,
    "XAJK": 5,
    "XAQJ": 5,
    "XACB": 2,
    "XAGW": 0.8,
    "XAHT": 1,
}
# Foundations register with the city's civil affairs bureau.
_AREAS_FOUNDATIONS = {"610100": 85, "610103": 2, "610113": 3, "XAGX": 4, "XAQJ": 2, "610102": 1, "610104": 1}
# Farming associations: the outer districts and the counties.
_AREAS_RURAL = {
    "610100": 8,
    "610111": 4,
    "610114": 6,
    "610115": 10,
    "610116": 12,
    "610117": 8,
    "610118": 10,
    "610122": 10,
    "610124": 12,
    "XAGW": 2,
    "XACB": 2,
}
_AREAS_CITY = {"610100": 1}
AREA_PROFILES = {
    "default": _AREAS_DEFAULT,
    "firms": _AREAS_FIRMS,
    "foundations": _AREAS_FOUNDATIONS,
    "rural": _AREAS_RURAL,
    "city": _AREAS_CITY,
}

# Name parts. {p}: the area as a name prefix (西安市雁塔区 / 雁塔区 / 西安高新区);
# {short}: the short form; {sub}: a sub-district of the area; {brand}: a
# two-character trade name; {topic}: one entry of the template's topics.
_BRAND_FIRST = "博启华德仁恒同善汇知乐康安晨慈益春睿明尚嘉鸿瑞泰和信正宏永兴欣雅思卓智诚丰锦育立"
_BRAND_SECOND = "雅明仁馨爱信心德智行童乐康曦恩友晖思学源远达泰和悦航华新博成宁辉益晟阳禾"
_FIRM_FIRST = "恒永明睿秦丰西汉长博海正金德天华大中普信鼎诚广公君凯聚乾弘众"
_FIRM_SECOND = "达嘉德鼎瑞京唐安硕普衡泰信诚元和正道洲宇盛远诺润通合丰"
_LAW_HOME_CITIES = ("北京", "上海", "广东", "浙江", "江苏", "四川", "湖北", "河南")


@dataclass(frozen=True)
class Template:
    category: str
    unit: str | None
    weight: float
    patterns: tuple[str, ...]
    topics: tuple[str, ...] = ("",)
    trade: bool = False
    # Share of trade associations decoupled (脱钩) from their former department.
    decoupled: float = 0.0
    areas: str = "default"
    firm_brand: bool = False


def _t(*topics: str) -> tuple[str, ...]:
    return topics


_SCIENCE_TOPICS = _t(
    "计算机",
    "电子",
    "机械工程",
    "土木建筑",
    "化学化工",
    "环境科学",
    "地理",
    "气象",
    "水利",
    "农学",
    "林学",
    "药学",
    "营养",
    "心理",
    "光学",
    "航空",
    "测绘",
    "地质",
    "汽车工程",
    "自动化",
    "通信",
    "材料",
    "能源",
    "生态",
    "园艺",
    "植物保护",
    "畜牧兽医",
    "科普",
    "青少年科技教育",
    "城市规划",
    "建筑",
    "力学",
    "数学",
    "物理",
    "天文",
    "系统工程",
    "人工智能",
    "软件工程",
    "信息安全",
    "食品科学",
)
_ARTS_TOPICS = _t(
    "书法家协会",
    "摄影家协会",
    "美术家协会",
    "音乐家协会",
    "舞蹈家协会",
    "戏剧家协会",
    "曲艺家协会",
    "民间文艺家协会",
    "作家协会",
    "收藏家协会",
    "楹联学会",
    "诗词学会",
    "秦腔艺术研究会",
    "剪纸艺术协会",
    "皮影艺术研究会",
    "鼓乐研究会",
    "电影家协会",
    "电视艺术家协会",
    "杂技家协会",
    "朗诵艺术家协会",
)
_SPORT_TOPICS = _t(
    "足球协会",
    "篮球协会",
    "乒乓球协会",
    "羽毛球协会",
    "网球协会",
    "围棋协会",
    "象棋协会",
    "桥牌协会",
    "太极拳协会",
    "武术协会",
    "登山户外运动协会",
    "游泳协会",
    "自行车运动协会",
    "健身气功协会",
    "老年人体育协会",
    "门球协会",
    "钓鱼协会",
    "风筝协会",
    "跆拳道协会",
    "轮滑协会",
    "舞龙舞狮协会",
    "社会体育指导员协会",
    "信鸽协会",
    "健身舞蹈协会",
    "气排球协会",
    "马拉松运动协会",
    "冬季运动协会",
)
_HEALTH_TOPICS = _t(
    "医师协会",
    "护理学会",
    "中医药学会",
    "医院协会",
    "民营医院协会",
    "口腔医学会",
    "预防医学会",
    "健康管理协会",
    "医学会",
    "康复医学会",
    "针灸学会",
    "抗癌协会",
    "心理卫生协会",
    "计划生育协会",
    "医学影像协会",
    "全科医学会",
    "药师协会",
    "健康教育协会",
)
_SOCIAL_SCIENCE_TOPICS = _t(
    "历史学会",
    "经济学会",
    "哲学学会",
    "社会学学会",
    "长安文化研究会",
    "周秦汉唐文化研究会",
    "丝绸之路文化研究会",
    "关学研究会",
    "民俗学会",
    "红色文化研究会",
    "旅游学会",
    "城市经济研究会",
    "企业文化研究会",
    "地方志研究会",
    "家风家训研究会",
    "统计学会",
    "会计学会",
    "档案学会",
)
_EDUCATION_TOPICS = _t(
    "教育学会",
    "民办教育协会",
    "家庭教育研究会",
    "学前教育研究会",
    "职业教育学会",
    "校外教育协会",
    "教育装备协会",
    "书法教育研究会",
    "外语教育研究会",
    "陶行知研究会",
    "教师发展研究会",
)
_CIVIL_TOPICS = _t(
    "慈善协会",
    "志愿者协会",
    "社会工作协会",
    "老年协会",
    "养老服务协会",
    "婚姻家庭咨询协会",
    "社会组织促进会",
    "公益组织联合会",
    "老龄事业发展促进会",
    "地名学会",
    "社区服务协会",
    "睦邻互助协会",
    "社会救助协会",
)
_COMMUNITY_TOPICS = _t(
    "志愿服务协会",
    "老年协会",
    "文体协会",
    "邻里互助会",
    "书画协会",
    "环保志愿者协会",
    "睦邻服务协会",
    "健身舞蹈协会",
)
_AGRICULTURE_TOPICS = _t(
    "猕猴桃产业协会",
    "樱桃产业协会",
    "石榴产业协会",
    "葡萄产业协会",
    "奶山羊产业协会",
    "蔬菜协会",
    "苗木花卉协会",
    "养蜂协会",
    "农机协会",
    "农民专业合作社联合会",
    "茶叶协会",
    "种子协会",
    "畜牧业协会",
    "水产协会",
    "休闲农业协会",
    "核桃协会",
    "食用菌协会",
    "草莓协会",
    "中药材种植协会",
    "农产品经纪人协会",
)
_TRADE_TOPICS = {
    COMMERCE: _t(
        "餐饮行业协会",
        "酒店业协会",
        "商业联合会",
        "连锁经营协会",
        "美容美发协会",
        "烘焙行业协会",
        "服装行业协会",
        "珠宝玉石协会",
        "眼镜行业协会",
        "二手车流通协会",
        "再生资源协会",
        "会展业协会",
        "典当行业协会",
        "拍卖行业协会",
        "电子商务协会",
        "家政服务协会",
        "汽车流通协会",
        "粮油行业协会",
        "茶叶流通协会",
    ),
    INDUSTRY: _t(
        "软件行业协会",
        "集成电路行业协会",
        "人工智能产业协会",
        "大数据产业协会",
        "电子信息行业协会",
        "食品工业协会",
        "印刷行业协会",
        "装备制造业协会",
        "节能协会",
        "中小企业协会",
        "包装技术协会",
        "新能源汽车产业协会",
        "光伏产业协会",
        "航空产业协会",
    ),
    HOUSING: _t(
        "房地产业协会",
        "物业管理协会",
        "建筑装饰协会",
        "建筑业协会",
        "建设监理协会",
        "工程造价协会",
        "勘察设计协会",
        "建材行业协会",
        "电梯行业协会",
        "燃气行业协会",
        "市政公用行业协会",
        "混凝土行业协会",
    ),
    TRANSPORT: _t(
        "物流协会",
        "道路运输协会",
        "出租汽车协会",
        "汽车维修行业协会",
        "驾驶员培训协会",
        "快递协会",
        "停车行业协会",
        "公共交通协会",
    ),
    CULTURE: _t("旅行社协会", "文化产业协会", "动漫游戏协会", "演出行业协会", "民宿协会", "导游协会", "娱乐行业协会"),
    MARKET: _t("质量协会", "个体劳动者协会", "食品安全协会", "计量协会", "标准化协会", "广告协会", "私营企业协会"),
    ECOLOGY: _t("环保产业协会", "环境服务业协会"),
}
_CHAMBER_HOMES = _t(
    "浙江",
    "温州",
    "福建",
    "晋江",
    "河南",
    "四川",
    "湖南",
    "江苏",
    "广东",
    "潮汕",
    "山西",
    "甘肃",
    "安徽",
    "湖北",
    "山东",
    "重庆",
    "江西",
    "台州",
    "宁波",
    "河北",
    "东北",
    "内蒙古",
    "宁夏",
    "青海",
    "新疆",
    "云南",
    "贵州",
    "广西",
    "泉州",
    "莆田",
    "义乌",
    "苏州",
    "南通",
    "商丘",
    "周口",
    "信阳",
    "南阳",
    "榆林",
    "汉中",
    "安康",
    "宝鸡",
    "渭南",
)
_CHAMBER_TRADES = _t(
    "汽车",
    "餐饮",
    "建材",
    "家居",
    "服装",
    "电子",
    "物流",
    "文化",
    "科技",
    "农业",
    "医药",
    "茶业",
    "酒业",
    "珠宝",
    "装饰",
    "新能源",
    "电商",
    "青年企业家",
    "女企业家",
    "民营企业",
)

SG, SS, FD, LF, AF = (
    Category.SOCIAL_GROUP,
    Category.SOCIAL_SERVICE,
    Category.FOUNDATION,
    Category.LAW_FIRM,
    Category.ACCOUNTING_FIRM,
)
TEMPLATES: tuple[Template, ...] = (
    # Social groups (社会团体): learned societies, arts, sport, health, ...
    Template(SG, SCIENCE, 15, ("{p}{topic}学会", "{p}{topic}研究会"), _SCIENCE_TOPICS),
    Template(SG, ARTS, 8, ("{p}{topic}",), _ARTS_TOPICS),
    Template(SG, SPORT, 10, ("{p}{topic}", "{short}{sub}{topic}"), _SPORT_TOPICS),
    Template(SG, HEALTH, 6, ("{p}{topic}",), _HEALTH_TOPICS),
    Template(SG, SOCIAL_SCIENCES, 5, ("{p}{topic}",), _SOCIAL_SCIENCE_TOPICS),
    Template(SG, EDUCATION, 4, ("{p}{topic}",), _EDUCATION_TOPICS),
    Template(SG, CIVIL_AFFAIRS, 6, ("{p}{topic}", "{short}{sub}{topic}"), _CIVIL_TOPICS),
    # Community organisations registered directly, without a supervising unit.
    Template(SG, None, 5, ("{short}{sub}{topic}", "{p}{topic}"), _COMMUNITY_TOPICS),
    Template(SG, AGRICULTURE, 4, ("{p}{topic}",), _AGRICULTURE_TOPICS, areas="rural"),
    Template(
        SG,
        DISABLED,
        1.5,
        ("{p}{topic}",),
        _t(
            "盲人协会",
            "聋人协会",
            "肢残人协会",
            "智力残疾人及亲友协会",
            "精神残疾人及亲友协会",
            "助残志愿者协会",
            "残疾人体育协会",
        ),
    ),
    Template(
        SG,
        WOMEN,
        1.2,
        ("{p}{topic}",),
        _t("女企业家协会", "巾帼志愿者协会", "女性创业促进会", "家庭文明促进会", "妇女儿童发展促进会"),
    ),
    Template(
        SG,
        YOUTH,
        1.2,
        ("{p}{topic}",),
        _t("青年企业家协会", "青年志愿者协会", "青少年发展促进会", "青年创业促进会", "青少年心理健康促进会"),
    ),
    Template(SG, ECOLOGY, 0.8, ("{p}{topic}",), _t("环保志愿者协会", "生态文明促进会", "野生动植物保护协会")),
    Template(SG, VETERANS, 0.6, ("{p}{topic}",), _t("退役军人志愿服务协会", "退役军人就业创业促进会", "拥军优属协会")),
    # Trade associations and chambers (行业协会商会), most of them decoupled.
    *(
        Template(SG, unit, len(topics) * 0.3, ("{p}{topic}",), topics, trade=True, decoupled=0.65)
        for unit, topics in _TRADE_TOPICS.items()
    ),
    Template(SG, COMMERCE_FEDERATION, 2, ("西安{topic}商会",), _CHAMBER_HOMES, trade=True, decoupled=0.2, areas="city"),
    Template(
        SG, COMMERCE_FEDERATION, 3, ("{p}{topic}商会", "{short}{sub}商会"), _CHAMBER_TRADES, trade=True, decoupled=0.2
    ),
    # Social service agencies (社会服务机构).
    Template(
        SS,
        EDUCATION,
        35,
        (
            "{p}{brand}培训学校",
            "{p}{brand}艺术培训学校",
            "{p}{brand}外语培训学校",
            "{p}{brand}幼儿园",
            "{p}{brand}实验学校",
            "{p}{brand}教育培训中心",
        ),
    ),
    Template(
        SS,
        CIVIL_AFFAIRS,
        28,
        (
            "{p}{brand}社会工作服务中心",
            "{p}{brand}养老院",
            "{p}{brand}养老服务中心",
            "{p}{brand}公益服务中心",
            "{p}{brand}家庭服务中心",
            "{p}{brand}老年公寓",
            "{p}{brand}社区服务中心",
        ),
    ),
    Template(
        SS,
        HEALTH,
        12,
        (
            "{p}{brand}医院",
            "{p}{brand}中医医院",
            "{p}{brand}门诊部",
            "{p}{brand}康复医院",
            "{p}{brand}口腔门诊部",
            "{p}{brand}护理院",
        ),
    ),
    Template(SS, LABOUR, 9, ("{p}{brand}职业技能培训学校", "{p}{brand}职业培训学校")),
    Template(SS, CULTURE, 4, ("{p}{brand}文化艺术中心", "{p}{brand}艺术团", "{p}{brand}博物馆")),
    Template(
        SS, SPORT, 4, ("{p}{brand}体育俱乐部", "{p}{brand}足球俱乐部", "{p}{brand}武术学校", "{p}{brand}游泳俱乐部")
    ),
    Template(SS, DISABLED, 3, ("{p}{brand}康复中心", "{p}{brand}特殊儿童康复中心", "{p}{brand}助残服务中心")),
    Template(SS, SCIENCE, 1, ("{p}{brand}科技研究院", "{p}{brand}科普教育中心")),
    Template(SS, SOCIAL_SCIENCES, 1, ("{p}{brand}文化研究院",)),
    Template(SS, None, 3, ("{short}{sub}{brand}社区服务中心", "{short}{sub}志愿服务中心", "{p}{brand}社区服务中心")),
    # Foundations (基金会).
    Template(
        FD,
        CIVIL_AFFAIRS,
        6,
        ("{p}{brand}慈善基金会", "{p}{brand}公益基金会", "{p}{brand}社会福利基金会"),
        areas="foundations",
    ),
    Template(
        FD,
        EDUCATION,
        3,
        ("{p}{brand}教育基金会", "{p}{brand}助学基金会", "{p}{brand}教育发展基金会"),
        areas="foundations",
    ),
    Template(FD, HEALTH, 1, ("{p}{brand}医疗救助基金会", "{p}{brand}健康基金会"), areas="foundations"),
    Template(FD, CULTURE, 1, ("{p}{brand}文化发展基金会",), areas="foundations"),
    Template(FD, DISABLED, 1, ("{p}{brand}助残基金会",), areas="foundations"),
    Template(FD, RED_CROSS, 1, ("{p}{brand}博爱基金会",), areas="foundations"),
    Template(FD, SPORT, 0.5, ("{p}{brand}体育发展基金会",), areas="foundations"),
    # Intermediaries: law firms (mostly 陕西XX律师事务所, some branch offices)
    # and accounting firms.
    Template(
        LF,
        JUSTICE,
        1,
        ("陕西{brand}律师事务所",) * 9 + ("{home}{brand}（西安）律师事务所",),
        areas="firms",
        firm_brand=True,
    ),
    Template(
        AF,
        FINANCE,
        1,
        (
            "陕西{brand}会计师事务所有限责任公司",
            "西安{brand}会计师事务所有限责任公司",
            "陕西{brand}会计师事务所（普通合伙）",
            "{brand}会计师事务所（特殊普通合伙）陕西分所",
        ),
        areas="firms",
        firm_brand=True,
    ),
)

# Exact category counts of the 3,866 active organisations.
CATEGORY_COUNTS = {SG: 1745, SS: 1560, FD: 118, LF: 320, AF: 123}
CREDIT_PREFIX = {SG: "51", SS: "52", FD: "53", LF: "31", AF: "91"}
# What seed_scale's credit codes carry after prefix and division (organizations/scale/common.py).
SCALE_MARKER = "MJXA"
# Share with three formal party members or more (应建必建): intermediaries are
# the professional firms where party members concentrate.
MUST_ESTABLISH_SHARE = {SG: 0.16, SS: 0.22, FD: 0.15, LF: 0.55, AF: 0.40}
# Head count: (median, log spread, minimum, maximum).
STAFF = {SG: (8, 0.7, 3, 200), SS: (18, 0.8, 3, 200), FD: (6, 0.5, 3, 200), LF: (15, 0.6, 5, 80), AF: (20, 0.8, 5, 200)}
# Registrations per year grew steadily, most of all after 2015.
_YEAR_WEIGHTS = {
    **dict.fromkeys(range(1995, 2000), 1),
    **dict.fromkeys(range(2000, 2006), 2),
    **dict.fromkeys(range(2006, 2011), 3),
    **dict.fromkeys(range(2011, 2015), 5),
    **dict.fromkeys(range(2015, 2018), 7),
    2018: 8,
    2019: 8,
    2020: 7,
}

_SURNAMES = (
    "王王王李李李张张张刘刘杨杨赵赵高高马马郭孙薛雷陈黄周吴徐胡朱林何罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏"
    "卢蒋蔡贾丁魏叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹常武乔贺"
    "师寇权"
)
_GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "华",
    "建国",
    "建军",
    "建华",
    "文",
    "斌",
    "鹏",
    "辉",
    "玲",
    "丹",
    "萍",
    "红",
    "颖",
    "琳",
    "晨",
    "浩",
    "宇",
    "博",
    "欣",
    "悦",
    "婷",
    "雪",
    "倩",
    "瑶",
    "俊",
    "峰",
    "亮",
    "宁",
    "波",
    "凯",
    "飞",
    "翔",
    "晓东",
    "晓燕",
    "海燕",
    "小红",
    "卫东",
    "立新",
    "志强",
    "志刚",
    "文博",
    "思远",
    "嘉怡",
    "秦川",
    "永红",
    "建平",
    "宏伟",
    "国庆",
    "晓峰",
    "丽娟",
    "文静",
)
_MOBILE_PREFIXES = (
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "158",
    "159",
    "177",
    "180",
    "186",
    "187",
    "189",
    "199",
)


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return f"029-8{rng.randint(0, 9_999_999):07d}"
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


class _Places:
    """What the planner needs to know about the area tree, from saved or unsaved areas alike."""

    def __init__(self, areas: Iterable[Area]) -> None:
        areas = sorted(areas, key=lambda a: a.path)
        by_path = {a.path: a for a in areas}
        self.by_code = {a.code: a for a in areas}
        self.subdistricts: dict[str, list[str]] = defaultdict(list)
        for a in areas:
            if a.level == Area.Level.SUBDISTRICT:
                parent_path = a.path[: a.path.rstrip("/").rfind("/") + 1]
                parent = by_path.get(parent_path)
                if parent is not None:
                    self.subdistricts[parent.code].append(a.name)
        self.registration = [a for a in areas if a.level in Area.REGISTRATION_LEVELS]

    def weights(self, profile: str) -> tuple[list[Area], list[float]]:
        table = AREA_PROFILES[profile]
        chosen = [a for a in self.registration if table.get(a.code)]
        return chosen, [table[a.code] for a in chosen]

    @staticmethod
    def prefixes(area: Area) -> tuple[str, str]:
        """(formal, short) name prefixes: 西安市雁塔区 / 雁塔区, 西安高新区 / 高新区, 西安市 / 西安市."""
        if area.level == Area.Level.CITY:
            return area.name, area.name
        if area.level == Area.Level.ZONE:
            short = area.name.removeprefix("西安")
            return "西安" + short, short
        return "西安市" + area.name, area.name


@dataclass
class OrganizationPlan:
    organizations: list[SocialOrganization] = field(default_factory=list)
    # Parents come before their children, so inserting in order resolves parents.
    party_organizations: list[PartyOrganization] = field(default_factory=list)
    links: list[tuple[PartyOrganization, SocialOrganization]] = field(default_factory=list)
    assignments: list[InstructorAssignment] = field(default_factory=list)


class _OrganizationMaker:
    def __init__(self, rng: random.Random, places: _Places, units: dict[str, SupervisingUnit]) -> None:
        self.rng = rng
        self.places = places
        self.units = units
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.templates = {c: [t for t in TEMPLATES if t.category == c] for c in CATEGORY_COUNTS}
        self.area_weights = {profile: places.weights(profile) for profile in AREA_PROFILES}

    def registration_date(self, last_year: int = AS_OF.year) -> dt.date:
        years = [y for y in _YEAR_WEIGHTS if y <= last_year]
        year = self.rng.choices(years, [_YEAR_WEIGHTS[y] for y in years])[0]
        return _day(self.rng, dt.date(year, 1, 1), min(AS_OF, dt.date(year, 12, 31)))

    def name(self, template: Template, area: Area) -> str | None:
        """A name not yet taken, or None when the template has run out of names in this area."""
        rng = self.rng
        formal, short = self.places.prefixes(area)
        subs = self.places.subdistricts.get(area.code, [])
        patterns = [p for p in template.patterns if "{sub}" not in p or subs]
        first, second = (_FIRM_FIRST, _FIRM_SECOND) if template.firm_brand else (_BRAND_FIRST, _BRAND_SECOND)
        for _attempt in range(60):
            brand = rng.choice(first) + rng.choice(second)
            if brand[0] == brand[1]:
                continue
            candidate = rng.choice(patterns).format(
                p=formal if rng.random() < 0.6 else short,
                short=short,
                sub=rng.choice(subs) if subs else "",
                topic=rng.choice(template.topics),
                brand=brand,
                home=rng.choice(_LAW_HOME_CITIES),
            )
            # 西安市雁塔区书法家协会 and 雁塔区书法家协会 would be the same body
            # to a reader: names are unique in their short form.
            key = candidate.replace(formal, short, 1)
            if key not in self.names:
                self.names.add(key)
                return candidate
        return None

    def credit_code(self, category: str, area: Area) -> str:
        while True:
            code = make_credit_code(CREDIT_PREFIX[category], area.division_code, self.rng)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def make(
        self,
        category: str,
        *,
        must_establish: bool | None = None,
        last_year: int = AS_OF.year,
    ) -> SocialOrganization:
        rng = self.rng
        templates = self.templates[category]
        name = None
        while name is None:  # a template short of names in that area: draw again
            template = rng.choices(templates, [t.weight for t in templates])[0]
            area_choices, weights = self.area_weights[template.areas]
            area = rng.choices(area_choices, weights)[0]
            name = self.name(template, area)
        unit_name = template.unit
        decoupled = template.trade and rng.random() < template.decoupled
        if decoupled:
            # A decoupled association answers to civil affairs' committee or,
            # registered directly, to its district.
            unit_name = CIVIL_AFFAIRS if rng.random() < 0.55 else None
        median, spread, low, high = STAFF[category]
        staff = max(low, min(high, round(rng.lognormvariate(0, spread) * median)))
        if must_establish is None:
            must_establish = rng.random() < MUST_ESTABLISH_SHARE[category]
        if must_establish:
            members = MUST_ESTABLISH_MEMBERS + min(int(rng.expovariate(1 / 4)), 37)
            staff = min(high, max(staff, members + rng.randint(0, 6)))
        else:
            members = min(staff, rng.choices((0, 1, 2), (42, 33, 25))[0])
        return SocialOrganization(
            name=name,
            credit_code=self.credit_code(category, area),
            category=category,
            is_trade_association=template.trade,
            is_decoupled=decoupled,
            area=area,
            supervising_unit=self.units.get(unit_name) if unit_name else None,
            registered_on=self.registration_date(last_year),
            staff_count=staff,
            formal_party_members=members,
            setup_contact=_person(rng),
            setup_contact_phone=_phone(rng) if rng.random() < 0.85 else "",
        )


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def _established_on(rng: random.Random, after: dt.date) -> dt.date:
    """When a party organisation was set up for organisations registered by `after`."""
    earliest = after + dt.timedelta(days=1)
    if after >= dt.date(2018, 1, 1):
        # 登记同步: recent registrations get their party organisation within months.
        return _day(rng, earliest, min(AS_OF, after + dt.timedelta(days=240)))
    if rng.random() < 0.08 and earliest <= dt.date(2017, 10, 31):
        # Set up long ago and never renewed: the term is overdue (换届 warning).
        return _day(rng, max(earliest, dt.date(2012, 1, 1)), dt.date(2017, 10, 31))
    # Most of the older organisations were covered in the 2018-2020 drive.
    return _day(rng, max(earliest, dt.date(2018, 1, 1)), AS_OF)


def _last_activity(rng: random.Random, established: dt.date, until: dt.date = AS_OF) -> dt.date | None:
    """Mostly a 三会一课 meeting within the last quarter; a few gone quiet for months."""
    roll = rng.random()
    if roll < 0.03 and established <= until - dt.timedelta(days=200):
        return _day(rng, max(established, until - dt.timedelta(days=540)), until - dt.timedelta(days=185))
    if roll < 0.07 and established <= until - dt.timedelta(days=100):
        return _day(rng, max(established, until - dt.timedelta(days=182)), until - dt.timedelta(days=92))
    if established > until - dt.timedelta(days=14) and rng.random() < 0.5:
        return None  # set up days ago, no meeting yet
    return _day(rng, max(established, until - dt.timedelta(days=89)), until)


# Joint branch sizes (2-8 organisations), most of them three to five.
_JOINT_SIZES = (2, 3, 4, 5, 6, 7, 8)
_JOINT_SIZE_WEIGHTS = (2, 4, 4, 3, 2, 1, 1)


def _form_groups(
    rng: random.Random, orgs: list[SocialOrganization]
) -> tuple[list[list[SocialOrganization]], list[SocialOrganization]]:
    """Cut orgs into joint groups of 2-8 with three formal members between them; return groups and leftovers."""
    groups: list[list[SocialOrganization]] = []
    rest: list[SocialOrganization] = []
    i = 0
    while i < len(orgs):
        size = rng.choices(_JOINT_SIZES, _JOINT_SIZE_WEIGHTS)[0]
        group = orgs[i : i + size]
        i += len(group)
        # A branch needs three formal members: widen the group until it has them.
        while sum(o.formal_party_members for o in group) < MUST_ESTABLISH_MEMBERS and len(group) < 8 and i < len(orgs):
            group.append(orgs[i])
            i += 1
        if len(group) >= 2 and sum(o.formal_party_members for o in group) >= MUST_ESTABLISH_MEMBERS:
            groups.append(group)
        else:
            rest.extend(group)
    return groups, rest


def plan_organizations(
    rng: random.Random,
    areas: Iterable[Area],
    units: Iterable[SupervisingUnit],
) -> OrganizationPlan:
    """Plan organisations, their party organisations and instructors, without touching the database."""
    places = _Places(areas)
    unit_by_name = {u.name: u for u in sorted(units, key=lambda u: u.name)}
    maker = _OrganizationMaker(rng, places, unit_by_name)
    plan = OrganizationPlan()
    city = places.by_code.get("610100")

    # 1. The 3,866 active organisations, categories in exact numbers.
    categories = [c for c, n in CATEGORY_COUNTS.items() for _ in range(n)]
    rng.shuffle(categories)
    active = [maker.make(c) for c in categories]

    # A few large organisations (private hospitals, schools, big firms) with
    # enough members for a general branch or a committee of their own.
    for category, count in ((SS, 8), (LF, 3), (AF, 2)):
        pool = [o for o in active if o.category == category and o.formal_party_members >= MUST_ESTABLISH_MEMBERS]
        for org in rng.sample(pool, count):
            if category == LF:
                org.staff_count = rng.randint(60, 80)
                org.formal_party_members = rng.randint(50, org.staff_count - 5)
            else:
                org.staff_count = rng.randint(130, 200)
                org.formal_party_members = rng.randint(50, org.staff_count - 20)

    # Deregistered organisations stay on record; most had their branch dissolved.
    deregistered = []
    for index in range(30):
        category = rng.choices(list(CATEGORY_COUNTS), list(CATEGORY_COUNTS.values()))[0]
        org = maker.make(category, must_establish=index < 14, last_year=2015)
        org.status = SocialOrganization.Status.DEREGISTERED
        if index < 2:
            # Deregistered this autumn while the branch is still active: the
            # kind of record the anti-paralysis scan must catch.
            org.deregistered_on = _day(rng, dt.date(2020, 9, 1), dt.date(2020, 12, 15))
        else:
            first = max(org.registered_on + dt.timedelta(days=730), dt.date(2016, 1, 1))
            org.deregistered_on = _day(rng, first, AS_OF)
        deregistered.append(org)
    plan.organizations = active + deregistered

    # 2. Decide coverage. Organisations registered on the very last day have
    # had no time for anything but an instructor.
    eligible = [o for o in active if o.registered_on < AS_OF]
    must = [o for o in eligible if o.formal_party_members >= MUST_ESTABLISH_MEMBERS]
    # 应建未建: mostly this year's registrations still preparing their branch,
    # a few older ones whose membership grew past three.
    # (Never one of the large organisations: those have had a branch for years.)
    newest_first = sorted(
        (o for o in must if o.formal_party_members < 50), key=lambda o: (o.registered_on, o.credit_code), reverse=True
    )
    not_established = rng.sample(newest_first[:40], 10) + rng.sample(newest_first[40:], 6)
    waiting = {o.credit_code for o in not_established}
    standalone = [o for o in must if o.credit_code not in waiting]

    # Party-organisation skeleton: industry committees, then a comprehensive
    # committee (综合党委) per district, county and zone as the fallback parent.
    industry_committees: dict[str, PartyOrganization] = {}
    for unit in unit_by_name.values():
        if unit.has_industry_committee:
            established = _day(rng, dt.date(2016, 3, 1), dt.date(2019, 6, 30))
            industry_committees[unit.name] = _party(
                rng,
                name=unit.industry_committee_name,
                kind=Kind.COMMITTEE,
                formation=Formation.JOINT,
                area=city,
                unit=unit,
                established=established,
                members=rng.randint(5, 11),
            )
    district_committees: dict[str, PartyOrganization] = {}
    for area in places.registration:
        if area.level == Area.Level.CITY:
            continue
        formal, _short = places.prefixes(area)
        established = _day(rng, dt.date(2016, 1, 1), dt.date(2019, 12, 31))
        district_committees[area.code] = _party(
            rng,
            name=f"中共{formal}社会组织综合委员会",
            kind=Kind.COMMITTEE,
            formation=Formation.JOINT,
            area=area,
            unit=None,
            established=established,
            members=rng.randint(5, 9),
        )
    plan.party_organizations += [*industry_committees.values(), *district_committees.values()]

    def parent_for(unit: SupervisingUnit | None, area: Area) -> PartyOrganization | None:
        # 分级负责、条块结合、区域兜底: the industry committee first, the district as fallback.
        if unit is not None and unit.name in industry_committees:
            return industry_committees[unit.name]
        return district_committees.get(area.code)

    # Joint groups: organisations with fewer than three members, grouped in
    # their area, by supervising unit where possible.
    small_by_area: dict[str, list[SocialOrganization]] = defaultdict(list)
    for org in eligible:
        if org.formal_party_members < MUST_ESTABLISH_MEMBERS:
            small_by_area[org.area.code].append(org)
    candidates: list[list[SocialOrganization]] = []
    for code in sorted(small_by_area):
        pool = small_by_area[code]
        rng.shuffle(pool)
        by_unit: dict[str, list[SocialOrganization]] = defaultdict(list)
        for org in pool:
            by_unit[org.supervising_unit.name if org.supervising_unit else ""].append(org)
        leftovers: list[SocialOrganization] = []
        for unit_name in sorted(by_unit):
            groups, rest = _form_groups(rng, by_unit[unit_name])
            candidates += groups
            leftovers += rest
        candidates += _form_groups(rng, leftovers)[0]
    rng.shuffle(candidates)
    anomalies = 2
    wanted = ACTIVE_PARTY_ORGANIZATIONS - len(plan.party_organizations) - len(standalone) - anomalies
    if not 0 < wanted <= len(candidates):
        raise RuntimeError(f"Cannot form {wanted} joint branches from {len(candidates)} candidate groups")
    joint_groups = candidates[:wanted]

    # Half of the must-establish-not-established sit in a joint branch for now.
    for org in not_established[:8]:
        for group in joint_groups:
            if group[0].area.code == org.area.code and len(group) < 8:
                group.append(org)
                break

    # 3. Standalone party organisations (单独组建).
    covered: dict[str, str] = {}  # credit code -> setup path
    for org in standalone:
        if org.formal_party_members >= 100:
            kind, suffix = Kind.COMMITTEE, "委员会"
        elif org.formal_party_members >= 50:
            kind, suffix = Kind.GENERAL_BRANCH, "总支部委员会"
        else:
            kind, suffix = Kind.BRANCH, "支部委员会"
        party = _party(
            rng,
            name=f"中共{org.name}{suffix}",
            kind=kind,
            formation=Formation.STANDALONE,
            area=org.area,
            unit=org.supervising_unit,
            established=_established_on(rng, org.registered_on),
            members=org.formal_party_members,
            parent=parent_for(org.supervising_unit, org.area),
        )
        plan.party_organizations.append(party)
        plan.links.append((party, org))
        covered[org.credit_code] = SetupPath.STANDALONE

    # 4. Joint party organisations (联合组建), numbered per area and industry.
    numbers: dict[tuple[str, str], int] = defaultdict(int)
    for group in joint_groups:
        area = group[0].area
        unit_names = {o.supervising_unit.name if o.supervising_unit else "" for o in group}
        unit = group[0].supervising_unit if len(unit_names) == 1 else None
        label = _UNIT_LABELS.get(unit.name, "社会组织") if unit else "社会组织"
        place = area.name
        numbers[(place, label)] += 1
        party = _party(
            rng,
            name=f"中共{place}{label}第{_cn_number(numbers[(place, label)])}联合支部委员会",
            kind=Kind.BRANCH,
            formation=Formation.JOINT,
            area=area,
            unit=unit,
            established=_established_on(rng, max(o.registered_on for o in group)),
            members=sum(o.formal_party_members for o in group),
            parent=parent_for(unit, area),
        )
        plan.party_organizations.append(party)
        for org in group:
            plan.links.append((party, org))
            covered.setdefault(org.credit_code, SetupPath.JOINT)

    # 5. The deregistered organisations' party organisations: dissolved,
    # except the two whose deregistration has not been followed up yet.
    for index, org in enumerate(deregistered[:14]):
        # Set up at least four months before the organisation was deregistered.
        first = org.registered_on + dt.timedelta(days=1)
        established = _day(rng, first, max(first, org.deregistered_on - dt.timedelta(days=120)))
        party = _party(
            rng,
            name=f"中共{org.name}支部委员会",
            kind=Kind.BRANCH,
            formation=Formation.STANDALONE,
            area=org.area,
            unit=org.supervising_unit,
            established=established,
            members=org.formal_party_members,
            parent=parent_for(org.supervising_unit, org.area),
            until=AS_OF if index < anomalies else org.deregistered_on,
        )
        if index >= anomalies:
            party.status = PartyOrganization.Status.DISSOLVED
            party.dissolved_on = _day(rng, org.deregistered_on, min(AS_OF, org.deregistered_on + dt.timedelta(days=90)))
        plan.party_organizations.append(party)
        plan.links.append((party, org))
        org.setup_path = SetupPath.STANDALONE

    # 6. Instructors: everyone not organisationally covered has one (工作覆盖),
    # drawn from a small pool per area since one instructor serves several.
    uncovered = [o for o in active if o.credit_code not in covered]
    by_area: dict[str, list[SocialOrganization]] = defaultdict(list)
    for org in uncovered:
        by_area[org.area.code].append(org)
    instructors = {
        code: [(_person(rng), _phone(rng)) for _ in range(max(3, len(orgs) // 7))]
        for code, orgs in sorted(by_area.items())
    }

    def assign(org: SocialOrganization, started: dt.date, ended: dt.date | None = None) -> None:
        person, phone = rng.choice(instructors.get(org.area.code) or [(_person(rng), _phone(rng))])
        role = InstructorAssignment.Role.LIAISON if rng.random() < 0.1 else InstructorAssignment.Role.INSTRUCTOR
        plan.assignments.append(
            InstructorAssignment(
                organization=org,
                person_name=person,
                role=role,
                phone=phone,
                started_on=started,
                ended_on=ended,
            )
        )

    def soon_after_registration(org: SocialOrganization) -> dt.date:
        # Work coverage is "held at 100%": an instructor follows registration
        # within weeks, so the recounted history stays near 100% as well.
        return min(AS_OF, org.registered_on + dt.timedelta(days=rng.randint(10, 45)))

    for org in uncovered:
        assign(org, soon_after_registration(org))
        # Must-establish organisations waiting for their own branch keep the standalone path.
        must_establish = org.formal_party_members >= MUST_ESTABLISH_MEMBERS
        org.setup_path = SetupPath.STANDALONE if must_establish else SetupPath.INSTRUCTOR
    # 登记同步 lagging behind: a handful of this year's registrations with no
    # path and no contact yet (the warning rule looks for these).
    recent = [
        o for o in uncovered if o.registered_on.year == AS_OF.year and o.formal_party_members < MUST_ESTABLISH_MEMBERS
    ]
    for org in rng.sample(recent, min(8, len(recent))):
        org.setup_path = SetupPath.PENDING
        org.setup_contact = ""
        org.setup_contact_phone = ""
    for org in active:
        if org.credit_code in covered:
            org.setup_path = SetupPath.STANDALONE if org.credit_code in waiting else covered[org.credit_code]

    # Some joint branches keep an instructor alongside; almost every covered
    # organisation had an instructor until its branch was set up (history, ended).
    established_by_code = {o.credit_code: p.established_on for p, o in plan.links}
    for org in active:
        path = covered.get(org.credit_code)
        if path == SetupPath.JOINT and rng.random() < 0.06:
            assign(org, _day(rng, max(org.registered_on, min(AS_OF, dt.date(2019, 1, 1))), AS_OF))
        if path in (SetupPath.STANDALONE, SetupPath.JOINT) and rng.random() < 0.95:
            established = established_by_code[org.credit_code]
            started = soon_after_registration(org)
            if started < established:
                assign(org, started, established)
    for org in deregistered[14:]:
        org.setup_path = SetupPath.INSTRUCTOR
        if rng.random() < 0.5:
            assign(org, _day(rng, org.registered_on, org.deregistered_on), org.deregistered_on)
    return plan


def _party(
    rng: random.Random,
    *,
    name: str,
    kind: str,
    formation: str,
    area: Area | None,
    unit: SupervisingUnit | None,
    established: dt.date,
    members: int,
    parent: PartyOrganization | None = None,
    until: dt.date = AS_OF,
) -> PartyOrganization:
    return PartyOrganization(
        name=name,
        kind=kind,
        formation=formation,
        area=area,
        supervising_unit=unit,
        parent=parent,
        secretary="" if rng.random() < 0.02 else _person(rng),  # ~2% vacant
        established_on=established,
        term_due_on=default_term_due(kind, established),
        last_activity_on=_last_activity(rng, established, until),
        member_count=max(1, members),
    )


def seed_organizations(rng: random.Random) -> int:
    """Organisations with their party organisations and instructors.

    They are one step because coverage is planned as a whole: the exact count
    of party organisations and work coverage of 100% depend on each other.
    """
    if SocialOrganization.objects.exists():
        return 0
    plan = plan_organizations(rng, Area.objects.all(), SupervisingUnit.objects.all())
    SocialOrganization.objects.bulk_create(plan.organizations, batch_size=1000)
    # Parents were planned before children; insert in two passes so that the
    # parents have primary keys when the children's parent_id is taken.
    tops = [p for p in plan.party_organizations if p.parent is None]
    children = [p for p in plan.party_organizations if p.parent is not None]
    PartyOrganization.objects.bulk_create(tops, batch_size=1000)
    PartyOrganization.objects.bulk_create(children, batch_size=1000)
    through = PartyOrganization.organizations.through
    through.objects.bulk_create(
        [through(partyorganization_id=p.pk, socialorganization_id=o.pk) for p, o in plan.links], batch_size=2000
    )
    InstructorAssignment.objects.bulk_create(plan.assignments, batch_size=1000)
    # Bulk inserts send no signals: store today's coverage and the workload tally in one pass each.
    refresh_coverage()
    rebuild_workload()
    return len(plan.organizations) + len(plan.party_organizations) + len(plan.assignments)


# Records without a sub-district (住所 not yet recorded), as in a real ledger.
UNPLACED_SHARE = 0.03
# Of the placed ones, how many also name their community.
COMMUNITY_SHARE = 0.6


def place_organization(
    rng: random.Random, org: SocialOrganization, subdistricts: list[Area], communities
) -> Area | None:
    """Where one organisation sits: the sub-district its name mentions, else
    one of its registration area's (anywhere in the city for the city's own),
    and often a community of it."""
    if not subdistricts or rng.random() < UNPLACED_SHARE:
        return None
    named = [s for s in subdistricts if s.name in org.name]
    sub = named[0] if named else rng.choice(subdistricts)
    under = communities.get(sub.pk, [])
    if under and rng.random() < COMMUNITY_SHARE:
        return rng.choice(under)
    return sub


def seed_locations(rng: random.Random) -> int:  # noqa: ARG001 (each organisation draws from its own generator)
    """Where each demo organisation sits (住所所在街道/社区).

    Its own step with a generator per organisation (seeded by its credit
    code), so the figures the other steps draw stay as they were and a re-run
    places every organisation the same way; only unplaced rows are looked at,
    and only the demo's: `seed_scale`'s organisations (their code marked) are
    left as that command makes them, so seeding the demo again over a million
    of them does not place each in a bulk update."""
    areas = list(Area.objects.only("pk", "name", "level", "parent_id", "path"))
    subdistricts = [a for a in areas if a.level == Area.Level.SUBDISTRICT]
    communities: dict[int, list[Area]] = defaultdict(list)
    for area in areas:
        if area.level == Area.Level.COMMUNITY:
            communities[area.parent_id].append(area)
    by_path = sorted(subdistricts, key=lambda a: a.path)
    placed = []
    scale = Q(credit_code__regex=f"^.{{8}}{SCALE_MARKER}")
    unplaced = SocialOrganization.objects.filter(location__isnull=True).exclude(scale)
    for org in unplaced.select_related("area").order_by("pk"):
        own = [s for s in by_path if s.path.startswith(org.area.path)]
        location = place_organization(step_rng(f"location:{org.credit_code}"), org, own, communities)
        if location is not None:
            org.location = location
            placed.append(org)
    # bulk_update: the location changes no coverage, tally or audit figure.
    SocialOrganization.objects.bulk_update(placed, ["location"], batch_size=1000)
    return len(placed)


STEPS: Sequence[tuple[str, Callable[[random.Random], int]]] = (
    ("areas", seed_areas),
    ("supervising_units", seed_supervising_units),
    ("organizations", seed_organizations),
    ("locations", seed_locations),
)


# --------------------------------------------------------------------------
# Demo users
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    display_name: str
    area_code: str = ""
    unit_name: str = ""
    is_staff: bool = False
    is_superuser: bool = False
    # Admin permissions ("app_label.codename") of the administrators who are not superusers.
    permissions: tuple[str, ...] = ()


# 三员分立: what the system and security administrators may do in the admin.
SYSTEM_ADMIN_PERMISSIONS = (
    "accounts.add_user",
    "accounts.change_user",
    "accounts.view_user",
    "django_celery_beat.view_periodictask",
    "django_celery_beat.change_periodictask",
)
SECURITY_ADMIN_PERMISSIONS = (
    "accounts.view_user",
    "accounts.view_loginfailure",
    "accounts.delete_loginfailure",
    # Resets a lost authenticator (accounts/second_factor.py).
    "otp_totp.view_totpdevice",
    "otp_totp.delete_totpdevice",
    "auth.add_group",
    "auth.change_group",
    "auth.delete_group",
    "auth.view_group",
    "auth.view_permission",
)

DEMO_USERS = (
    DemoUser("beilin", User.Role.DISTRICT, "碑林区组织部", area_code="610103"),
    DemoUser("yanta", User.Role.DISTRICT, "雁塔区组织部", area_code="610113"),
    DemoUser("lawyers", User.Role.INDUSTRY, "市律师行业党委", unit_name=JUSTICE),
    DemoUser("staff", User.Role.STAFF, "市委组织部两新工委"),
    DemoUser("leader", User.Role.LEADER, "市委组织部领导"),
    DemoUser("admin", User.Role.STAFF, "系统管理员", is_staff=True, is_superuser=True),
    DemoUser(
        "sysadmin", User.Role.SYSTEM_ADMIN, "信息中心系统管理员", is_staff=True, permissions=SYSTEM_ADMIN_PERMISSIONS
    ),
    DemoUser(
        "secadmin",
        User.Role.SECURITY_ADMIN,
        "信息中心安全管理员",
        is_staff=True,
        permissions=SECURITY_ADMIN_PERMISSIONS,
    ),
    DemoUser("auditor", User.Role.AUDITOR, "安全审计员"),
)


def _permissions(names: tuple[str, ...]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = Permission.objects.filter(codename__in={codename for _app, codename in wanted}).select_related(
        "content_type"
    )
    return [p for p in found if (p.content_type.app_label, p.codename) in wanted]


def seed_demo_users(password: str) -> tuple[list[User], list[str]]:
    """Create or reset the demo users; returns them and the usernames skipped for a missing scope."""
    # One hash for all: hashing is deliberately slow (PBKDF2), and six
    # separate hashes would take longer than the rest of the seed.
    hashed = make_password(password)
    users: list[User] = []
    skipped: list[str] = []
    for spec in DEMO_USERS:
        area = Area.objects.filter(code=spec.area_code).first() if spec.area_code else None
        unit = SupervisingUnit.objects.filter(name=spec.unit_name).first() if spec.unit_name else None
        if (spec.area_code and area is None) or (spec.unit_name and unit is None):
            skipped.append(spec.username)
            continue
        user, _created = User.objects.get_or_create(username=spec.username)
        # The display name is one Chinese label: get_full_name() joins first
        # and last with a space in Western order, so the last name stays empty.
        user.first_name, user.last_name = spec.display_name, ""
        user.role, user.area, user.supervising_unit = spec.role, area, unit
        user.is_staff, user.is_superuser, user.is_active = spec.is_staff, spec.is_superuser, True
        user.password = hashed
        # The demo password is documented, so it counts as changed now: the
        # demo users are never sent to change it (accounts/password_expiry.py).
        user.password_changed_at, user.must_change_password = timezone.now(), False
        user.save()
        user.user_permissions.set(_permissions(spec.permissions))
        users.append(user)
    return users, skipped
