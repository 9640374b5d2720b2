"""Every problem by row and column, with the model's own rules (coverage.ledgers.imports.checking)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from coverage.ledgers.imports import columns
from coverage.ledgers.imports.columns import HEADERS
from coverage.models import LedgerImport
from coverage.tests.ledgers.files import code, csv_bytes, preview, problems, row
from organizations.creditcode import check_character
from organizations.models import SocialOrganization
from xian_partybuild import clock

pytestmark = pytest.mark.django_db


def test_every_problem_by_row_and_column(beilin_user, yanta, culture):
    today = clock.today()
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
            credit_code="91610103" + columns.EXAMPLE_ORG_CODE + check_character("91610103" + columns.EXAMPLE_ORG_CODE)
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
        (8, "从业人员数", "staff_count_min_value"),
        (9, "从业人员数", "not_integer"),
        (10, "正式党员数", "formal_party_members_invalid"),
        (11, "登记日期", "bad_date"),
        (12, "登记日期", "registered_on_invalid"),
        (13, "注销日期", "deregistered_on_invalid"),
        (14, "注销日期", "deregistered_on_invalid"),
        (15, "类别", "unknown_category"),
        (15, "状态", "unknown_status"),
        (15, "党组织组建方式", "unknown_setup_path"),
        (16, "名称", "required"),
        (16, "登记日期", "required"),
        (17, "从业人员数", "not_integer"),
        (18, "统一社会信用代码", "credit_code_lowercase"),
        (20, "注销日期", "deregistered_on_invalid"),
        (21, "党建联络人", "setup_contact_max_length"),
        (22, "统一社会信用代码", "example_row"),
    }
    # Sorted by row, then by the template's column order.
    assert [p.row for p in result.problems] == sorted(p.row for p in result.problems)
    assert record.status == LedgerImport.Status.REJECTED and record.error_count == 22
    duplicate = next(p for p in result.problems if p.code == "duplicate")
    assert "6" in duplicate.message
    # The rules and their words are the model's: its clean(), its field lengths.
    messages = {p.row: p.message for p in result.problems}
    with translation.override("zh-hans"):
        limit = SocialOrganization._meta.get_field("setup_contact").max_length
        assert str(limit) in messages[21]
        with pytest.raises(ValidationError) as excinfo:
            SocialOrganization(staff_count=10, formal_party_members=30).clean()
        assert messages[10] == excinfo.value.message_dict["formal_party_members"][0]


def test_messages_follow_the_readers_language(beilin_user):
    # Checked once (here in English), read later by whoever opens the page.
    content = csv_bytes([row(staff_count="-1", area="未知区"), row(staff_count="10", formal_party_members="30")])
    with translation.override("en"):
        _record, result = preview(beilin_user, content)
    by_code = {p.code: p for p in result.problems}
    with translation.override("en"):
        assert by_code["staff_count_min_value"].message == "Ensure this value is greater than or equal to 0."
        assert by_code["unknown_area"].message == "There is no registration area named “未知区”."
        assert by_code["formal_party_members_invalid"].message == (
            "Formal party members (30) cannot exceed the head count (10)."
        )
    with translation.override("zh-hans"):
        assert by_code["staff_count_min_value"].message == "确保该值大于或等于0。"
        assert by_code["unknown_area"].message == "没有名为“未知区”的登记区域。"
        with pytest.raises(ValidationError) as excinfo:
            SocialOrganization(staff_count=10, formal_party_members=30).clean()
        assert by_code["formal_party_members_invalid"].message == excinfo.value.message_dict["formal_party_members"][0]


def test_header_problems_are_on_row_one(beilin_user):
    header = [h for h in HEADERS if h != "状态"] + ["备注", "名称"]
    _record, result = preview(beilin_user, csv_bytes([row()], header=header))
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
    assert problems(result) == {(3, "业务主管单位", "unit_scope"), (4, "业务主管单位", "unit_missing")}
    assert (record.area, record.supervising_unit) == (None, justice)


def test_code_warnings_do_not_block(beilin_user):
    # A 52 (social service agency) code recorded as a social group.
    _record, result = preview(beilin_user, csv_bytes([row(credit_code=code("52"))]))
    assert result.ok
    assert [(w.row, w.code) for w in result.warnings] == [(2, "code_warning")]


def test_the_forms_plausibility_bounds_hold_in_the_import(beilin_user, beilin, settings):
    settings.CLOCK_TODAY = "2020-12-31"
    rows = [
        row(staff_count="99999999999"),
        row(registered_on="0001-01-01"),
        row(name="\u200b\u3000\u200d"),
        row(setup_contact="王\x07五"),
        row(setup_contact_phone="<b>😀</b>"),
        row(),
    ]
    record, result = preview(beilin_user, csv_bytes(rows))
    assert problems(result) == {
        (2, "从业人员数", "number_too_large"),
        (3, "登记日期", "date_too_early"),
        (4, "名称", "invisible"),
        (5, "党建联络人", "control_characters"),
        (6, "联系电话", "bad_phone"),
    }
    with translation.override("zh-hans"):
        shown = {p.code: p.message for p in result.all_problems}
    assert shown["number_too_large"] == "请填写不超过 1,000,000 的数。"
    assert shown["date_too_early"] == "请填写 1949-10-01 或以后的日期。"
    assert record.status == LedgerImport.Status.REJECTED
