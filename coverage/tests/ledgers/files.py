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
        "supervising_unit": "",
        "registered_on": "2018-03-01",
        "staff_count": "10",
        "formal_party_members": "2",
        "status": "存续",
        "deregistered_on": "",
        "setup_path": "联合组建党组织",
        "setup_contact": "王五",
        "setup_contact_phone": "13800000000",
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
