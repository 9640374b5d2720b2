import csv
import datetime as dt
import io
import random
import zipfile

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts.models import User
from accounts.tests.factories import UserFactory
from coverage import ledger_import
from coverage.ledger_import import COLUMNS, HEADERS, FileRefused
from coverage.models import LedgerImport
from coverage.recount import services
from organizations.creditcode import check_character, make_credit_code
from organizations.models import Area, SocialOrganization
from organizations.querysets import SocialOrganizationQuerySet
from organizations.tests.factories import AreaFactory, SocialOrganizationFactory, SupervisingUnitFactory

pytestmark = pytest.mark.django_db

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


@pytest.fixture
def period(db):
    return services.period_get(period="2020H2")


def preview(user, content, name="ledger.csv", period=None, **target):
    period = period or services.period_get(period="2020H2")
    return ledger_import.ledger_import_preview(actor=user, period=period, file_name=name, content=content, **target)


def problems(result):
    return {(p.row, p.column, p.code) for p in result.all_problems}


# The template contract --------------------------------------------------------


def test_headers_are_the_models_chinese_field_labels():
    with translation.override("zh-hans"):
        labels = tuple(str(SocialOrganization._meta.get_field(c.field).verbose_name) for c in COLUMNS)
    assert labels == HEADERS


def test_choice_labels_come_from_the_model_in_chinese():
    categories = ledger_import.label_map(SocialOrganization.Category)
    assert categories["社会团体"] == "social_group" and categories["会计师事务所"] == "accounting_firm"
    assert ledger_import.label_map(SocialOrganization.Status)["已注销"] == "deregistered"
    assert ledger_import.label_map(SocialOrganization.SetupPath)["待定"] == "pending"


# Preview and import -----------------------------------------------------------------


def test_preview_writes_nothing_but_the_import_row(beilin_user, beilin, dataset):
    content = csv_bytes([row(), row(name="第二个协会")])
    before = SocialOrganization.objects.count()
    record, result = preview(beilin_user, content)
    assert result.ok and result.row_count == 2
    assert SocialOrganization.objects.count() == before
    record.refresh_from_db()
    assert (record.status, record.area, record.row_count, record.error_count) == (
        LedgerImport.Status.PREVIEWED,
        beilin,
        2,
        0,
    )
    assert bytes(record.content) == content and len(record.sha256) == 64


def test_import_creates_organisations_with_every_column(beilin_user, beilin, culture, period):
    first, second = code(), code("52")
    content = csv_bytes(
        [
            row(
                credit_code=first, supervising_unit=culture.name, formal_party_members="3", setup_path="单独组建党组织"
            ),
            row(
                credit_code=second,
                name="已注销中心",
                category="社会服务机构",
                status="已注销",
                deregistered_on="2020/09/30",
                setup_path="",
                setup_contact="",
                setup_contact_phone="",
            ),
        ]
    )
    record, _result = preview(beilin_user, content)
    record = ledger_import.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert (record.status, record.created_count, record.updated_count, record.unchanged_count) == (
        LedgerImport.Status.IMPORTED,
        2,
        0,
        0,
    )
    a = SocialOrganization.objects.get(credit_code=first)
    assert (a.area, a.supervising_unit, a.category, a.registered_on, a.staff_count, a.formal_party_members) == (
        beilin,
        culture,
        "social_group",
        dt.date(2018, 3, 1),
        10,
        3,
    )
    assert (a.setup_path, a.setup_contact, a.setup_contact_phone) == ("standalone", "王五", "13800000000")
    b = SocialOrganization.objects.get(credit_code=second)
    assert (b.category, b.status, b.deregistered_on, b.setup_path, b.supervising_unit) == (
        "social_service",
        "deregistered",
        dt.date(2020, 9, 30),
        "pending",
        None,
    )


def test_xlsx_with_native_cell_types(beilin_user, beilin):
    values = row(registered_on=dt.datetime(2019, 4, 1), staff_count=12, formal_party_members=4.0)
    values[COLUMNS.index(ledger_import.COLUMN_OF_FIELD["setup_contact_phone"])] = 13912345678
    record, result = preview(beilin_user, xlsx_bytes([values]), name="台账.XLSX")
    assert result.ok, result.all_problems
    ledger_import.ledger_import_run(actor=beilin_user, ledger_import=record)
    org = SocialOrganization.objects.get(credit_code=values[0])
    assert (org.registered_on, org.staff_count, org.formal_party_members, org.setup_contact_phone) == (
        dt.date(2019, 4, 1),
        12,
        4,
        "13912345678",
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(beilin_user, encoding):
    record, result = preview(beilin_user, csv_bytes([row(name="碑林区书法家协会")], encoding=encoding))
    assert result.ok, result.all_problems
    ledger_import.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert SocialOrganization.objects.filter(name="碑林区书法家协会").exists()


def test_columns_may_come_in_any_order(beilin_user):
    header = list(reversed(HEADERS))
    content = csv_bytes([list(reversed(row()))], header=header)
    _record, result = preview(beilin_user, content)
    assert result.ok, result.all_problems


def test_every_problem_by_row_and_column(beilin_user, yanta, culture):
    today = timezone.localdate()
    shared = code()
    valid = code()
    bad_check = valid[:17] + ("1" if valid[17] == "0" else "0")
    rows = [
        row(credit_code=bad_check),  # 2
        row(area="未知区"),  # 3
        row(area="雁塔区"),  # 4
        row(supervising_unit="不存在的单位"),  # 5
        row(credit_code=shared),  # 6
        row(credit_code=shared),  # 7
        row(staff_count="-1"),  # 8
        row(staff_count="十"),  # 9
        row(staff_count="10", formal_party_members="30"),  # 10
        row(registered_on="2019-13-45"),  # 11
        row(registered_on=(today + dt.timedelta(days=3)).isoformat()),  # 12
        row(status="已注销", registered_on="2018-03-01", deregistered_on="2017-01-01"),  # 13
        row(status="已注销", deregistered_on=""),  # 14
        row(category="企业", status="暂停", setup_path="随便"),  # 15
        row(name="", registered_on=""),  # 16
        row(staff_count="12.5"),  # 17
        row(credit_code=code().lower()),  # 18
        ["", "", "", "", "", "", "", "", "", "", "", "", ""],  # 19: blank, skipped but counted in numbering
        row(status="存续", deregistered_on="2020-01-01"),  # 20
        row(setup_contact="张" * 51),  # 21
        row(
            credit_code="91610103"
            + ledger_import.EXAMPLE_ORG_CODE
            + check_character("91610103" + ledger_import.EXAMPLE_ORG_CODE)
        ),  # 22
        row(),  # 23: fine
    ]
    record, result = preview(beilin_user, csv_bytes(rows))
    assert problems(result) == {
        (2, "统一社会信用代码", "credit_code_check"),
        (3, "登记区域", "unknown_area"),
        (4, "登记区域", "area_scope"),
        (5, "业务主管单位", "unknown_unit"),
        (7, "统一社会信用代码", "duplicate"),
        (8, "从业人员数", "negative"),
        (9, "从业人员数", "not_integer"),
        (10, "正式党员数", "members_exceed_staff"),
        (11, "登记日期", "bad_date"),
        (12, "登记日期", "future_date"),
        (13, "注销日期", "deregistered_before_registered"),
        (14, "注销日期", "deregistered_without_date"),
        (15, "类别", "unknown_category"),
        (15, "状态", "unknown_status"),
        (15, "党组织组建方式", "unknown_setup_path"),
        (16, "名称", "required"),
        (16, "登记日期", "required"),
        (17, "从业人员数", "not_integer"),
        (18, "统一社会信用代码", "credit_code_lowercase"),
        (20, "注销日期", "active_with_date"),
        (21, "党建联络人", "too_long"),
        (22, "统一社会信用代码", "example_row"),
    }
    # Sorted by row, then by the template's column order.
    assert [p.row for p in result.problems] == sorted(p.row for p in result.problems)
    assert record.status == LedgerImport.Status.REJECTED and record.error_count == 22
    duplicate = next(p for p in result.problems if p.code == "duplicate")
    assert "6" in duplicate.message


def test_messages_follow_the_readers_language(beilin_user):
    content = csv_bytes([row(staff_count="-1")])
    with translation.override("en"):
        _record, result = preview(beilin_user, content)
    assert result.problems[0].message == "A count cannot be negative."


def test_header_problems_are_on_row_one(beilin_user):
    header = [h for h in HEADERS if h != "状态"] + ["备注", "名称"]
    _record, result = preview(beilin_user, csv_bytes([], header=header))
    assert problems(result) == {
        (1, "状态", "missing_column"),
        (1, "备注", "unknown_column"),
        (1, "名称", "duplicate_column"),
    }


def test_an_existing_code_outside_the_users_scope(beilin_user, dataset):
    content = csv_bytes([row(credit_code=dataset.g.credit_code, name="抢过来")])
    _record, result = preview(beilin_user, content)
    assert problems(result) == {(2, "统一社会信用代码", "org_scope")}


def test_industry_committee_imports_only_its_own_unit(lawyers_user, justice, culture, beilin):
    content = csv_bytes(
        [
            row(supervising_unit=justice.name, category="律师事务所", credit_code=code("31")),
            row(supervising_unit=culture.name),
            row(supervising_unit=""),
        ]
    )
    record, result = preview(lawyers_user, content)
    assert problems(result) == {(3, "业务主管单位", "unit_scope"), (4, "业务主管单位", "unit_scope")}
    assert (record.area, record.supervising_unit) == (None, justice)


def test_city_staff_choose_the_target(staff_user, beilin, yanta, justice):
    content = csv_bytes([row(), row(area="雁塔区", credit_code=code(division="610113"))])
    with pytest.raises(ValidationError):
        preview(staff_user, content)
    with pytest.raises(ValidationError):
        preview(staff_user, content, area=beilin, supervising_unit=justice)
    record, result = preview(staff_user, content, area=beilin)
    assert problems(result) == {(3, "登记区域", "area_scope")}
    assert record.area == beilin


def test_district_official_cannot_import_into_another_area(beilin_user, yanta, justice):
    content = csv_bytes([row()])
    for target in ({"area": yanta}, {"supervising_unit": justice}):
        with pytest.raises(PermissionDenied):
            preview(beilin_user, content, **target)
    assert not LedgerImport.objects.exists()


def test_leadership_cannot_import(leader_user, beilin):
    with pytest.raises(PermissionDenied):
        preview(leader_user, csv_bytes([row()]), area=beilin)


def test_code_warnings_do_not_block(beilin_user):
    # A 52 (social service agency) code recorded as a social group.
    _record, result = preview(beilin_user, csv_bytes([row(credit_code=code("52"))]))
    assert result.ok
    assert [(w.row, w.code) for w in result.warnings] == [(2, "code_warning")]


def test_a_neutralised_cell_comes_back_as_written(beilin_user):
    record, _result = preview(beilin_user, csv_bytes([row(name="'=1+1 协会")]))
    ledger_import.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert SocialOrganization.objects.filter(name="=1+1 协会").exists()


# Refused files ------------------------------------------------------------------


def _refused(user, content, name):
    record, result = preview(user, content, name=name)
    assert record.status == LedgerImport.Status.REJECTED
    return result.refused.code


def test_a_renamed_binary_is_not_a_workbook(beilin_user):
    assert _refused(beilin_user, bytes(range(256)) * 40, "ledger.xlsx") == "not_xlsx"


def test_a_csv_named_xlsx_is_refused(beilin_user):
    assert _refused(beilin_user, csv_bytes([row()]), "ledger.xlsx") == "not_xlsx"


def test_a_zip_that_is_not_a_workbook_is_refused(beilin_user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert _refused(beilin_user, buffer.getvalue(), "ledger.xlsx") == "not_xlsx"


def test_a_workbook_named_csv_is_refused(beilin_user):
    assert _refused(beilin_user, xlsx_bytes([row()]), "ledger.csv") == "not_csv"


def test_undecodable_text_is_refused(beilin_user):
    assert _refused(beilin_user, b"\xff\xfe\xfd\x80\x81" * 100, "ledger.csv") == "not_csv"


def test_an_empty_file_is_refused(beilin_user):
    assert _refused(beilin_user, b"", "ledger.csv") == "empty"


def test_a_file_that_unpacks_too_large_is_refused(beilin_user, monkeypatch):
    monkeypatch.setattr(ledger_import, "MAX_UNPACKED_BYTES", 1000)
    assert _refused(beilin_user, xlsx_bytes([row()]), "ledger.xlsx") == "zip_bomb"


def test_other_extensions_are_refused(beilin_user):
    assert _refused(beilin_user, csv_bytes([row()]), "ledger.xls") == "extension"


def test_a_file_over_10_mb_is_refused_and_not_stored(beilin_user):
    content = csv_bytes([row()]) + b"x" * (ledger_import.MAX_BYTES)
    assert len(content) > 10 * 1024 * 1024
    with pytest.raises(FileRefused) as excinfo:
        preview(beilin_user, content)
    assert excinfo.value.problem.code == "too_large"
    assert not LedgerImport.objects.exists()


def test_more_than_100000_rows_are_refused(beilin_user):
    assert ledger_import.MAX_ROWS == 100_000
    content = "\n".join(["统一社会信用代码", *["x"] * 100_001]).encode()
    assert _refused(beilin_user, content, "ledger.csv") == "too_many_rows"


def test_the_row_limit_counts_data_rows_not_the_header(beilin_user, monkeypatch):
    monkeypatch.setattr(ledger_import, "MAX_ROWS", 2)
    _record, result = preview(beilin_user, csv_bytes([row(), row()]))
    assert result.ok
    _record, result = preview(beilin_user, xlsx_bytes([row(), row(), row()]), name="l.xlsx")
    assert result.refused.code == "too_many_rows"


# All or nothing, and idempotent ------------------------------------------------------------


def test_a_file_with_one_bad_row_imports_nothing(beilin_user, dataset):
    before = SocialOrganization.objects.count()
    record, result = preview(beilin_user, csv_bytes([row(), row(), row(staff_count="-3")]))
    assert not result.ok
    with pytest.raises(ValidationError):
        ledger_import.ledger_import_run(actor=beilin_user, ledger_import=record)
    # Even forced past the preview, the check inside the import refuses it.
    LedgerImport.objects.filter(pk=record.pk).update(status=LedgerImport.Status.PREVIEWED)
    with pytest.raises(ValidationError) as excinfo:
        ledger_import.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert excinfo.value.code == "problems"
    assert SocialOrganization.objects.count() == before


def test_a_failure_mid_import_writes_nothing(beilin_user, dataset, monkeypatch):
    before = SocialOrganization.objects.count()
    changed = row(credit_code=dataset.a.credit_code, name="A 协会（改名）", staff_count="99")
    record, result = preview(beilin_user, csv_bytes([row(), changed]))
    assert result.ok

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    # The new row is inserted, then the update fails.
    monkeypatch.setattr(SocialOrganizationQuerySet, "bulk_update", boom, raising=False)
    with pytest.raises(RuntimeError):
        ledger_import.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert SocialOrganization.objects.count() == before
    dataset.a.refresh_from_db()
    assert dataset.a.name == "A 协会"
    record.refresh_from_db()
    assert record.status == LedgerImport.Status.PREVIEWED


def test_the_same_file_twice_changes_nothing_the_second_time(beilin_user, dataset):
    content = csv_bytes(
        [
            row(),
            row(
                credit_code=dataset.a.credit_code,
                name=dataset.a.name,
                supervising_unit=dataset.a.supervising_unit.name,
                registered_on="2015-05-01",
                staff_count="20",
                formal_party_members="5",
                setup_path="待定",
                setup_contact="",
                setup_contact_phone="",
            ),
        ]
    )
    first = ledger_import.ledger_import_run(actor=beilin_user, ledger_import=preview(beilin_user, content)[0])
    assert (first.created_count, first.updated_count, first.unchanged_count) == (1, 0, 1)
    stamps = dict(SocialOrganization.objects.values_list("credit_code", "updated_at"))
    second = ledger_import.ledger_import_run(actor=beilin_user, ledger_import=preview(beilin_user, content)[0])
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 2)
    assert dict(SocialOrganization.objects.values_list("credit_code", "updated_at")) == stamps


def test_changed_rows_are_updated_and_other_fields_kept(beilin_user, beilin):
    org = SocialOrganizationFactory(area=beilin, is_trade_association=True, name="旧名")
    content = csv_bytes([row(credit_code=org.credit_code, name="新名", staff_count="30")])
    record = ledger_import.ledger_import_run(actor=beilin_user, ledger_import=preview(beilin_user, content)[0])
    assert (record.created_count, record.updated_count) == (0, 1)
    org.refresh_from_db()
    assert (org.name, org.staff_count, org.is_trade_association) == ("新名", 30, True)


def test_a_file_imports_once(beilin_user):
    record, _result = preview(beilin_user, csv_bytes([row()]))
    ledger_import.ledger_import_run(actor=beilin_user, ledger_import=record)
    with pytest.raises(ValidationError) as excinfo:
        ledger_import.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert excinfo.value.code == "status"
    assert SocialOrganization.objects.count() == 1


def test_records_changed_since_the_preview_are_checked_again(beilin_user, yanta):
    shared = code()
    record, result = preview(beilin_user, csv_bytes([row(credit_code=shared)]))
    assert result.ok
    SocialOrganizationFactory(credit_code=shared, area=yanta)  # registered in Yanta meanwhile
    with pytest.raises(ValidationError):
        ledger_import.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert SocialOrganization.objects.count() == 1


def test_another_district_cannot_run_an_import(beilin_user, yanta_user):
    record, _result = preview(beilin_user, csv_bytes([row()]))
    with pytest.raises(PermissionDenied):
        ledger_import.ledger_import_run(actor=yanta_user, ledger_import=record)
    assert not SocialOrganization.objects.exists()


# The template ------------------------------------------------------------------------------


def test_template_has_the_header_and_an_example_row_that_must_be_deleted(beilin_user):
    sheet = openpyxl.load_workbook(io.BytesIO(ledger_import.template_xlsx(actor=beilin_user))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS and len(rows) == 2
    assert rows[1][3] == "碑林区"
    text = ledger_import.template_csv(actor=beilin_user)
    assert text.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))[0] == list(HEADERS)
    # Left in, the example row is caught; otherwise it is a valid row.
    for content, name in ((ledger_import.template_xlsx(actor=beilin_user), "t.xlsx"), (text, "t.csv")):
        _record, result = preview(beilin_user, content, name=name)
        assert problems(result) == {(2, "统一社会信用代码", "example_row")}


def test_template_neutralises_formula_cells(city):
    hostile_area = AreaFactory(code="610199", name="=cmd|' /C calc'!A0", parent=city, level=Area.Level.ZONE)
    hostile_unit = SupervisingUnitFactory(name="@SUM(1+1)")
    district = UserFactory(username="hostile-district", role=User.Role.DISTRICT, area=hostile_area)
    industry = UserFactory(username="hostile-industry", role=User.Role.INDUSTRY, supervising_unit=hostile_unit)
    workbook = openpyxl.load_workbook(io.BytesIO(ledger_import.template_xlsx(actor=district)))
    cells = [cell for sheet in workbook.worksheets for r in sheet.iter_rows() for cell in r]
    assert all(cell.data_type != "f" for cell in cells)
    assert workbook.worksheets[0]["D2"].value == "'=cmd|' /C calc'!A0"
    lines = list(csv.reader(io.StringIO(ledger_import.template_csv(actor=industry).decode("utf-8-sig"))))
    assert lines[1][4] == "'@SUM(1+1)"
    assert not any(value.startswith(("=", "+", "-", "@")) for line in lines for value in line)
