"""The 住所所在街道/社区 column: a sub-district or community, named alone or as
街道/社区, under the row's registration area (coverage.ledgers.imports.checking)."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from coverage.ledgers.imports import services as imports
from coverage.ledgers.imports import template
from coverage.ledgers.imports.columns import HEADERS
from coverage.ledgers.services import ledger_owner
from coverage.models import LedgerImport, LedgerImportRow
from coverage.tests.ledgers.files import code, csv_bytes, preview, problems, row, xlsx_bytes
from organizations.models import Area, SocialOrganization
from organizations.tests.factories import AreaFactory, SocialOrganizationFactory

pytestmark = pytest.mark.django_db
COLUMN = "住所所在街道/社区"
Kind = LedgerImportRow.Kind


def _place(code_, name, parent, level=Area.Level.COMMUNITY):
    return AreaFactory(code=code_, name=name, parent=parent, division_code="", level=level)


@pytest.fixture
def places(beilin, yanta, nanyuanmen):
    """碑林区: 南院门街道 (保吉巷社区, 东县门社区) and 柏树林街道 (东县门社区
    again); 雁塔区: 小寨路街道."""
    boshulin = _place("610103-02", "柏树林街道", beilin, Area.Level.SUBDISTRICT)
    return {
        "南院门街道": nanyuanmen,
        "保吉巷社区": _place("610103-01-01", "保吉巷社区", nanyuanmen),
        "南院门街道/东县门社区": _place("610103-01-02", "东县门社区", nanyuanmen),
        "柏树林街道": boshulin,
        "柏树林街道/东县门社区": _place("610103-02-01", "东县门社区", boshulin),
        "小寨路街道": _place("610113-01", "小寨路街道", yanta, Area.Level.SUBDISTRICT),
    }


def test_a_file_sets_a_subdistrict_and_a_community(beilin_user, places):
    cells = ["南院门街道", "保吉巷社区", "柏树林街道/东县门社区", " 南院门街道 ／ 东县门社区 ", ""]
    rows = [row(location=cell) for cell in cells]
    record, result = preview(beilin_user, csv_bytes(rows))
    assert result.ok, result.all_problems
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    written = {o.credit_code: o.location for o in SocialOrganization.objects.all()}
    assert [written[r[0]] for r in rows] == [
        places["南院门街道"],
        places["保吉巷社区"],
        places["柏树林街道/东县门社区"],
        places["南院门街道/东县门社区"],
        None,
    ]


def test_the_city_registers_anywhere_in_the_city(staff_user, city, places):
    content = csv_bytes([row(area=city.name, location="小寨路街道", credit_code=code(division="610100"))])
    record, result = preview(staff_user, content, area=city)
    assert result.ok, result.all_problems
    imports.ledger_import_run(actor=staff_user, ledger_import=record)
    assert SocialOrganization.objects.get().location == places["小寨路街道"]


def test_an_unknown_name(beilin_user, places):
    rows = [row(location="不存在街道"), row(location="南院门街道/琉璃街社区"), row(location="柏树林街道/保吉巷社区")]
    _record, result = preview(beilin_user, csv_bytes(rows))
    assert problems(result) == {(n, COLUMN, "unknown_location") for n in (2, 3, 4)}
    with translation.override("zh-hans"):
        assert result.problems[0].message == "没有名为“不存在街道”的街道或社区。"


def test_a_subdistrict_of_another_district_is_refused_and_nothing_is_written(beilin_user, places):
    content = csv_bytes([row(), row(location="小寨路街道")])
    record, result = preview(beilin_user, content)
    assert problems(result) == {(3, COLUMN, "location_scope")}
    assert record.status == LedgerImport.Status.REJECTED
    with translation.override("zh-hans"):
        # Both areas named: where the place lies, and the row's registration area.
        assert result.problems[0].message == "“小寨路街道”位于雁塔区，不在本行的登记区域碑林区内。"
    with pytest.raises(ValidationError):
        imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert not SocialOrganization.objects.exists()


def test_a_community_name_that_repeats_asks_for_its_subdistrict(beilin_user, places):
    _record, result = preview(beilin_user, csv_bytes([row(location="东县门社区")]))
    assert problems(result) == {(2, COLUMN, "ambiguous_location")}
    with translation.override("zh-hans"):
        message = result.problems[0].message
    assert "碑林区有2个名为“东县门社区”" in message and "街道/社区" in message and "南院门街道/东县门社区" in message


def test_names_are_resolved_once_not_a_query_a_row(beilin_user, places):
    def queries(count):
        cells = ["南院门街道", "保吉巷社区", "柏树林街道/东县门社区"]
        content = csv_bytes([row(location=cells[i % 3]) for i in range(count)])
        with CaptureQueriesContext(connection) as captured:
            result = imports.ledger_import_check(
                actor=beilin_user, file_name="l.csv", content=content, target=ledger_owner(beilin_user)
            )
        assert result.ok, result.all_problems
        return len(captured)

    assert queries(3) == queries(300)


def test_a_file_without_the_column_leaves_the_location_alone(beilin_user, beilin, places):
    # A file from an older template: the column is not given, not blank.
    existing = SocialOrganizationFactory(area=beilin, location=places["南院门街道"])
    header = [h for h in HEADERS if h != COLUMN]
    at = HEADERS.index(COLUMN)

    def without(values):
        return values[:at] + values[at + 1 :]

    same = without(
        row(
            credit_code=existing.credit_code,
            name=existing.name,
            registered_on="2015-05-01",
            staff_count="20",
            formal_party_members="0",
            setup_path="待定",
            setup_contact="",
            setup_contact_phone="",
        )
    )
    renamed = list(same)
    renamed[HEADERS.index("名称")] = "改名协会"
    new = without(row())
    for content in (csv_bytes([same, new], header=header), xlsx_bytes([same, new], header=header)):
        record, result = preview(beilin_user, content, name="l.xlsx" if content[:2] == b"PK" else "l.csv")
        assert result.ok, result.all_problems
        kinds = dict(LedgerImportRow.objects.filter(ledger_import=record).values_list("number", "kind"))
        assert kinds == {2: Kind.UNCHANGED, 3: Kind.CREATE}
    record, result = preview(beilin_user, csv_bytes([renamed, new], header=header))
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    existing.refresh_from_db()
    assert (existing.name, existing.location) == ("改名协会", places["南院门街道"])
    assert SocialOrganization.objects.get(credit_code=new[0]).location is None


def test_a_blank_cell_clears_the_location(beilin_user, beilin, places):
    # As every other optional column: the file says what the record holds.
    first, _result = preview(beilin_user, csv_bytes([organization := row(location="南院门街道")]))
    imports.ledger_import_run(actor=beilin_user, ledger_import=first)
    organization[HEADERS.index(COLUMN)] = ""
    second, _result = preview(beilin_user, csv_bytes([organization]))
    assert LedgerImportRow.objects.get(ledger_import=second).kind == Kind.UPDATE
    imports.ledger_import_run(actor=beilin_user, ledger_import=second)
    assert SocialOrganization.objects.get(credit_code=organization[0]).location is None


def test_the_preview_shows_the_change_of_location(login, beilin_user, places):
    organization = row(location="南院门街道")
    first, _result = preview(beilin_user, csv_bytes([organization]))
    imports.ledger_import_run(actor=beilin_user, ledger_import=first)
    organization[HEADERS.index(COLUMN)] = "柏树林街道/东县门社区"
    second, _result = preview(beilin_user, csv_bytes([organization]))
    with translation.override("zh-hans"):
        response = login(beilin_user).get(reverse("coverage:ledger-import-preview", args=[second.pk]))
    (shown,) = response.context["rows"]
    assert shown.kind == Kind.UPDATE
    assert [(c.field, c.label, c.old, c.new) for c in shown.changes] == [
        ("location", COLUMN, "南院门街道", "东县门社区")
    ]
    assert "<del>南院门街道</del> → <ins>东县门社区</ins>" in response.content.decode()
    imports.ledger_import_run(actor=beilin_user, ledger_import=second)
    assert SocialOrganization.objects.get(credit_code=organization[0]).location == places["柏树林街道/东县门社区"]


def test_the_downloaded_template_round_trips(beilin_user, places):
    workbook = openpyxl.load_workbook(io.BytesIO(template.template_xlsx(actor=beilin_user)))
    sheet, notes = workbook.worksheets
    assert sheet.cell(row=1, column=HEADERS.index(COLUMN) + 1).value == COLUMN
    assert sheet.cell(row=2, column=HEADERS.index(COLUMN) + 1).value == "南院门街道"
    with translation.override("zh-hans"):
        notes = openpyxl.load_workbook(io.BytesIO(template.template_xlsx(actor=beilin_user))).worksheets[1]
    (note,) = [r for r in notes.iter_rows(values_only=True) if r[0] == COLUMN]
    assert note[1] == "否" and "街道/社区" in note[2] and "留空即清除" in note[2]
    # The example row left in is caught; with a real code it imports, its place and all.
    buffer = io.BytesIO()
    workbook.save(buffer)
    _record, result = preview(beilin_user, buffer.getvalue(), name="t.xlsx")
    assert problems(result) == {(2, "统一社会信用代码", "example_row")}
    sheet["A2"] = code()
    buffer = io.BytesIO()
    workbook.save(buffer)
    record, result = preview(beilin_user, buffer.getvalue(), name="t.xlsx")
    assert result.ok, result.all_problems
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert SocialOrganization.objects.get(credit_code=sheet["A2"].value).location == places["南院门街道"]
