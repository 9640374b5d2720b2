"""Ledger files for tests: rows in the template's columns, as CSV or XLSX."""

import csv
import io
import random

import openpyxl

from coverage.ledgers.imports import services as imports
from coverage.ledgers.imports.columns import COLUMNS, HEADERS
from coverage.recount import services
from organizations.creditcode import make_credit_code

_rng = random.Random(2020)


def code(prefix="51", division="610103"):
    return make_credit_code(prefix, division, _rng)


def row(**values):
    base = {
        "credit_code": code(),
        "name": "碑林区示范协会",
        "category": "社会团体",
        "area": "碑林区",
        "location": "",
        "supervising_unit": "",
        "registered_on": "2018-03-01",
        "staff_count": "10",
        "formal_party_members": "2",
        "status": "存续",
        "deregistered_on": "",
        "setup_path": "联合组建党组织",
        "setup_contact": "王五",
        "setup_contact_phone": "13800000000",
        # Political building: blank, none of the indicators holds.
        "charter_on": "",
        "members_in_management": "",
        "management_on_committee": "",
        "cross_appointed_on": "",
        "secretary_meetings_on": "",
        "consultation_on": "",
    }
    base.update(values)
    return [base[c.field] for c in COLUMNS]


def csv_bytes(rows, header=HEADERS, encoding="utf-8-sig"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADERS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for values in rows:
        sheet.append(list(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def preview(user, content, name="ledger.csv", period=None, **target):
    period = period or services.period_get(period="2020H2")
    return imports.ledger_import_preview(actor=user, period=period, file_name=name, content=content, **target)


def problems(result):
    return {(p.row, p.column, p.code) for p in result.all_problems}


# Realistic ledgers: Chinese names of the lengths Xi'an's organisations have,
# for the size limits (a test) and the benchmark (bench/imports.py).
_BRAND = "博启华德仁恒同善汇知乐康安晨慈益春睿明尚嘉鸿瑞泰和信正宏永兴欣雅思卓智诚丰锦育立秦汉长"
_TOPICS = (
    "书法家",
    "摄影家",
    "青年创业",
    "养老服务",
    "社区志愿者",
    "软件行业",
    "餐饮行业",
    "物流行业",
    "文化传媒",
    "家政服务",
    "老年体育",
    "民办教育",
    "心理健康",
    "非物质文化遗产保护",
)
_KINDS = ("协会", "商会", "促进会", "研究会", "联合会", "服务中心", "发展中心", "社会工作服务中心")
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_GIVEN = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超")


def realistic_rows(count, *, areas, units=(), seed=2020):
    """`count` valid, distinct rows in the template's columns. `areas` are
    (name, division code) pairs of registration areas; `units` unit names."""
    rng = random.Random(seed)
    codes = set()
    rows = []
    for _ in range(count):
        area, division = rng.choice(areas)
        code_ = make_credit_code("51", division, rng)
        while code_ in codes:
            code_ = make_credit_code("51", division, rng)
        codes.add(code_)
        prefix = f"西安市{area}" if rng.random() < 0.6 else area
        staff = rng.randint(3, 120)
        rows.append(
            row(
                credit_code=code_,
                name=f"{prefix}{rng.choice(_BRAND)}{rng.choice(_BRAND)}{rng.choice(_TOPICS)}{rng.choice(_KINDS)}",
                area=area,
                supervising_unit=rng.choice([*units, ""]) if units else "",
                registered_on=f"{rng.randint(2005, 2020)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                staff_count=str(staff),
                formal_party_members=str(min(staff, rng.choice((0, 0, 1, 2, 3, 5)))),
                setup_path=rng.choice(("单独组建党组织", "联合组建党组织", "待定")),
                setup_contact=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
                setup_contact_phone=f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}",
            )
        )
    return rows


def xlsx_bytes_fast(rows, header=HEADERS):
    """A workbook as openpyxl's write-only mode writes it (inline strings, as our exports are)."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(header))
    for values in rows:
        sheet.append(list(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
