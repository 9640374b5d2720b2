"""Benchmark: the organisation and party-organisation list pages at scale, query by query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lists .venv/bin/python bench/lists.py --orgs 1000000

Works on the database DATABASE_URL names (never a shared one: give it a
scratch database). It migrates it, fills it on the server side with N
organisations with Chinese names (when it holds none, or with --refill),
then requests each list page through the real views as a city-wide user
and as a district official, and prints for every SQL statement the page
runs on the organisation tables its time and the plan's main nodes
(EXPLAIN ANALYZE on PostgreSQL), so a sequential scan or a sort over a
million rows shows at once.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Name parts: place, two-character trade name, topic, and the category's suffixes,
# mixed so that a search for one part matches a realistic share of the names.
PLACES = [
    "碑林区",
    "雁塔区",
    "新城区",
    "莲湖区",
    "灞桥区",
    "未央区",
    "阎良区",
    "临潼区",
    "长安区",
    "高陵区",
    "鄠邑区",
    "蓝田县",
    "周至县",
    "西安高新区",
    "西安经开区",
    "曲江新区",
    "浐灞生态区",
    "国际港务区",
    "航空基地",
]
BRAND_FIRST = "华兴新恒泰德安顺和瑞长宏嘉金鑫博正明天宇"
BRAND_SECOND = "盛达源信诚远通福康丰润祥海辰星越晟弘沣雅"
TOPICS = [
    "书法",
    "摄影",
    "青年创业",
    "老年体育",
    "社区志愿服务",
    "养老服务",
    "心理咨询",
    "环境保护",
    "餐饮行业",
    "物流行业",
    "软件行业",
    "建筑业",
    "旅游",
    "茶业",
    "钢琴艺术",
    "民间文艺",
    "围棋",
    "足球",
    "篮球",
    "健身气功",
    "太极拳",
    "汽车维修",
    "家政服务",
    "电子商务",
    "文化创意",
    "中医药",
    "助残",
    "慈善",
    "乡村振兴",
    "非物质文化遗产",
    "秦腔",
    "剪纸",
    "书画",
    "教育培训",
    "科技创新",
    "人工智能",
    "新能源",
    "法律服务",
    "财税服务",
    "物业管理",
]
# (category, suffixes, share in tenths of a percent)
CATEGORIES = (
    ("social_group", ("协会", "商会", "促进会", "研究会", "联合会"), 600),
    ("social_service", ("服务中心", "培训学校", "养老院", "发展中心", "社会工作服务中心"), 300),
    ("foundation", ("基金会", "公益基金会"), 20),
    ("law_firm", ("律师事务所",), 50),
    ("accounting_firm", ("会计师事务所", "税务师事务所"), 30),
)
SUPERVISING_UNITS = 40


def sql_array(items) -> str:
    return "(ARRAY[" + ",".join(f"'{item}'" for item in items) + "])"


def fill(connection, n: int) -> None:
    """Areas, units, n organisations, party organisations covering about a third of them, instructors."""
    from organizations.models import Area, SupervisingUnit

    city = Area.objects.create(code="610100", name="西安市", level="city", division_code="610100")
    districts = []
    for i, name in enumerate(PLACES, start=1):
        level = "county" if name.endswith("县") else ("district" if name.endswith("区") and i < 12 else "zone")
        district = Area.objects.create(
            code=f"6101{i:02d}", name=name, level=level, parent=city, division_code=f"6101{i:02d}", sort_order=i
        )
        districts.append(district)
        for s in range(1, 9):
            sub = Area.objects.create(
                code=f"6101{i:02d}{s:03d}", name=f"{name}第{s}街道", level="subdistrict", parent=district, sort_order=s
            )
            for c in range(1, 6):
                Area.objects.create(
                    code=f"6101{i:02d}{s:03d}{c:03d}", name=f"{sub.name}{c}社区", level="community", parent=sub
                )
    for i in range(SUPERVISING_UNITS):
        SupervisingUnit.objects.create(
            name=f"西安市业务主管单位{i}",
            has_industry_committee=i % 5 == 0,
            industry_committee_name=f"西安市行业党委{i}" if i % 5 == 0 else "",
        )
    district_ids = sql_array(d.pk for d in districts).replace("'", "")
    unit_min = SupervisingUnit.objects.order_by("pk").first().pk
    category_case, suffix_case, bound = [], [], 0
    for category, suffixes, share in CATEGORIES:
        bound += share
        category_case.append(f"WHEN h % 1000 < {bound} THEN '{category}'")
        suffix_case.append(f"WHEN h % 1000 < {bound} THEN ({sql_array(suffixes)})[1 + (h / 7) % {len(suffixes)}]")
    brands = [a + b for a in BRAND_FIRST for b in BRAND_SECOND]
    with connection.cursor() as cur:
        cur.execute(
            f"""INSERT INTO organizations_socialorganization
            (name, credit_code, category, is_trade_association, is_decoupled, area_id, supervising_unit_id,
             registered_on, status, deregistered_on, staff_count, formal_party_members, setup_path, setup_contact,
             setup_contact_phone, updated_at)
            SELECT
              {sql_array(PLACES)}[1 + p] || {sql_array(brands)}[1 + (h / 13) % {len(brands)}]
                || {sql_array(TOPICS)}[1 + (h / 5231) % {len(TOPICS)}] || CASE {" ".join(suffix_case)} END,
              '516101' || lpad(i::text, 11, '0') || 'X',
              CASE {" ".join(category_case)} END, false, false,
              ({district_ids})[1 + p],
              CASE WHEN h % 40 = 0 THEN NULL ELSE {unit_min} + (h % {SUPERVISING_UNITS}) END,
              DATE '2005-01-01' + (h % 5000), CASE WHEN h % 20 = 0 THEN 'deregistered' ELSE 'active' END,
              CASE WHEN h % 20 = 0 THEN DATE '2005-01-01' + (h % 5000) + 300 END,
              50, (h / 3) % 7, CASE WHEN (h / 3) % 7 >= 3 THEN 'standalone' ELSE 'joint' END, '联系人', '', now()
            FROM (SELECT i, abs(hashint4(i)) AS h, abs(hashint4(i)) % {len(PLACES)} AS p
                  FROM generate_series(1, {n}) AS s(i)) AS g"""
        )
        # Every organisation with three members or more has its own branch, except one in ten (应建未建).
        cur.execute(
            """INSERT INTO organizations_partyorganization
            (name, kind, formation, area_id, supervising_unit_id, secretary, established_on, term_due_on,
             last_activity_on, member_count, status, updated_at)
            SELECT name || '党支部', 'branch', 'standalone', area_id, supervising_unit_id,
                   CASE WHEN id % 17 = 0 THEN '' ELSE '书记' END, registered_on + 30, registered_on + 30 + 1095,
                   registered_on + 400, formal_party_members, 'active', now()
            FROM organizations_socialorganization
            WHERE formal_party_members >= 3 AND status = 'active' AND id % 10 <> 0 ORDER BY id"""
        )
        cur.execute(
            """INSERT INTO organizations_partyorganization_organizations (partyorganization_id, socialorganization_id)
            SELECT p.id, o.id FROM organizations_partyorganization p
            JOIN organizations_socialorganization o ON o.name || '党支部' = p.name AND o.area_id = p.area_id
              AND o.registered_on + 30 = p.established_on AND o.formal_party_members >= 3
              AND o.status = 'active' AND o.id % 10 <> 0"""
        )
        cur.execute(
            """INSERT INTO organizations_instructorassignment (organization_id, person_name, role, phone, started_on)
            SELECT id, '指导员', 'instructor', '', registered_on + 10 FROM organizations_socialorganization
            WHERE formal_party_members < 3 AND id % 3 = 1"""
        )
    try:
        from organizations.coverage_state import refresh_coverage
    except ImportError:  # before the coverage state was stored
        refresh_coverage = None
    if refresh_coverage is not None:
        t0 = time.perf_counter()
        refresh_coverage()
        print(f"refresh_coverage: {time.perf_counter() - t0:.1f}s")
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


PLAN_NODE = re.compile(
    r"(Seq Scan|Parallel Seq Scan|Index Only Scan|Index Scan Backward|Index Scan|Bitmap Index Scan|"
    r"Bitmap Heap Scan|Sort|Incremental Sort|HashAggregate|GroupAggregate|Nested Loop|Hash Join|Merge Join)"
    r"( using \S+)?( on \S+)?"
)


class Explainer:
    """An execute wrapper: runs each statement on the organisation tables once more under
    EXPLAIN ANALYZE (on its own cursor) and keeps the timing and the plan's main nodes."""

    def __init__(self, connection):
        self.connection = connection
        self.rows: list[tuple[float, float | None, str, str]] = []

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        result = execute(sql, params, many, context)
        elapsed = (time.perf_counter() - t0) * 1000
        if "organizations_" in sql and sql.lstrip().upper().startswith("SELECT"):
            self.rows.append((elapsed, *self.explain(sql, params)))
        return result

    def explain(self, sql, params) -> tuple[float | None, str, str]:
        if self.connection.vendor != "postgresql":
            return None, "", sql[:160]
        with self.connection.connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = [line for (line,) in cur.fetchall()]
        execution = next((float(line.split(":")[1].split()[0]) for line in plan if "Execution Time" in line), None)
        nodes = []
        for line in plan:
            # Plan nodes are the first line and the "->" lines; the rest are their details.
            match = PLAN_NODE.search(line) if (line is plan[0] or "->" in line) else None
            if match:
                rows = re.search(r"actual time=[\d.]+\.\.[\d.]+ rows=(\d+)", line)
                nodes.append(match.group(0) + (f" [{rows.group(1)} rows]" if rows else ""))
        return execution, " > ".join(nodes[:6]), sql[:120]


def requests_to_time(district) -> list[tuple[str, str]]:
    return [
        ("staff", "/organizations/"),
        ("staff", f"/organizations/?area={district.pk}&sort=name"),
        ("staff", "/organizations/?q=秦腔"),
        ("staff", "/organizations/?q=华盛秦腔"),
        ("staff", "/organizations/?q=律"),
        ("staff", "/organizations/?q=516101000001234"),
        ("staff", "/organizations/?page=400"),
        ("staff", f"/organizations/?area={district.pk}&sort=name&page=400"),
        ("staff", "/organizations/?sort=-name&page=400"),
        ("staff", "/organizations/?coverage=uncovered"),
        ("staff", "/organizations/?must_establish_not_established=true"),
        ("staff", "/organizations/?category=law_firm&sort=name"),
        ("staff", "/organizations/?status=deregistered"),
        ("staff", "/organizations/?sort=coverage_state"),
        ("district", "/organizations/"),
        ("district", "/organizations/?page=400"),
        ("district", "/organizations/?q=秦腔"),
        ("staff", "/organizations/party/"),
        ("staff", "/organizations/party/?page=400"),
        ("staff", "/organizations/party/?q=华盛"),
        ("staff", f"/organizations/party/?area={district.pk}"),
        ("staff", "/organizations/party/?sort=term_due_on"),
        ("district", "/organizations/party/"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=1_000_000)
    parser.add_argument("--refill", action="store_true", help="empty the organisation tables and fill them again")
    parser.add_argument("--only", help="time only the URLs containing this text")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xian_partybuild.settings.local")
    os.environ["DJANGO_DEBUG"] = "False"  # no query log growing in memory
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from organizations.models import Area, SocialOrganization

    call_command("migrate", verbosity=0)
    if args.refill:
        with connection.cursor() as cur:
            cur.execute(
                "TRUNCATE organizations_area, organizations_supervisingunit, organizations_socialorganization, "
                "organizations_partyorganization, accounts_user RESTART IDENTITY CASCADE"
            )
    if not SocialOrganization.objects.exists():
        t0 = time.perf_counter()
        fill(connection, args.orgs)
        print(f"fill: {time.perf_counter() - t0:.1f}s")
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}, "
        f"organisations: {SocialOrganization.objects.count():,}"
    )

    district = Area.objects.get(name="雁塔区")
    users = {
        "staff": User.objects.get_or_create(username="bench-staff", defaults={"role": User.Role.STAFF})[0],
        "district": User.objects.get_or_create(
            username="bench-district", defaults={"role": User.Role.DISTRICT, "area": district}
        )[0],
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    for role, url in requests_to_time(district):
        if args.only and args.only not in url:
            continue
        clients[role].get(url)  # warm the cache: the figures are for a page that has been seen before
        explainer = Explainer(connection)
        t0 = time.perf_counter()
        with connection.execute_wrapper(explainer):
            response = clients[role].get(url)
        total = (time.perf_counter() - t0) * 1000
        print(f"\n{role:8} {url}  -> {response.status_code}, {total:.0f} ms (with EXPLAIN runs)")
        for elapsed, execution, nodes, sql in explainer.rows:
            shown = f"{execution:9.2f} ms" if execution is not None else f"{elapsed:9.2f} ms"
            print(f"  {shown}  {nodes or sql}")


if __name__ == "__main__":
    main()
