"""The downloadable template (coverage.ledgers.imports.template)."""

import csv
import io

import openpyxl
import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from coverage.ledgers.imports import template
from coverage.ledgers.imports.columns import HEADERS
from coverage.tests.ledgers.files import preview, problems
from organizations.models import Area
from organizations.tests.factories import AreaFactory, SupervisingUnitFactory

pytestmark = pytest.mark.django_db


def test_template_has_the_header_and_an_example_row_that_must_be_deleted(beilin_user):
    sheet = openpyxl.load_workbook(io.BytesIO(template.template_xlsx(actor=beilin_user))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS and len(rows) == 2
    assert rows[1][3] == "碑林区"
    text = template.template_csv(actor=beilin_user)
    assert text.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))[0] == list(HEADERS)
    # Left in, the example row is caught; otherwise it is a valid row.
    for content, name in ((template.template_xlsx(actor=beilin_user), "t.xlsx"), (text, "t.csv")):
        _record, result = preview(beilin_user, content, name=name)
        assert problems(result) == {(2, "统一社会信用代码", "example_row")}


def test_template_neutralises_formula_cells(city):
    hostile_area = AreaFactory(code="610199", name="=cmd|' /C calc'!A0", parent=city, level=Area.Level.ZONE)
    hostile_unit = SupervisingUnitFactory(name="@SUM(1+1)")
    district = UserFactory(username="hostile-district", role=User.Role.DISTRICT, area=hostile_area)
    industry = UserFactory(username="hostile-industry", role=User.Role.INDUSTRY, supervising_unit=hostile_unit)
    workbook = openpyxl.load_workbook(io.BytesIO(template.template_xlsx(actor=district)))
    cells = [cell for sheet in workbook.worksheets for r in sheet.iter_rows() for cell in r]
    assert all(cell.data_type != "f" for cell in cells)
    assert workbook.worksheets[0]["D2"].value == "'=cmd|' /C calc'!A0"
    lines = list(csv.reader(io.StringIO(template.template_csv(actor=industry).decode("utf-8-sig"))))
    assert lines[1][5] == "'@SUM(1+1)"
    assert not any(value.startswith(("=", "+", "-", "@")) for line in lines for value in line)
