"""The political-building columns of the ledger (issue 12): optional, at the
end, checked with the political model's rules, written set-based after the
organisations (coverage.ledgers.imports)."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from coverage.ledgers.imports import services as imports
from coverage.ledgers.imports import template
from coverage.ledgers.imports.columns import COLUMNS, HEADERS, POLITICAL_FIELDS
from coverage.models import LedgerImport, LedgerImportRow
from coverage.tests.ledgers.files import code, csv_bytes, preview, problems, row, xlsx_bytes
from organizations.models import SocialOrganization
from organizations.tests.factories import SocialOrganizationFactory
from political.models import PoliticalBuilding
from xian_partybuild import clock

pytestmark = pytest.mark.django_db
Kind = LedgerImportRow.Kind
CHARTER, MEMBERS, ON_COMMITTEE, CROSS, MEETINGS, CONSULTATION = (
    "写入章程日期",
    "管理层中的党员人数",
    "进入党组织班子的管理层人数",
    "交叉任职起始日期",
    "书记参加或列席重要会议起始日期",
    "沟通协商制度建立日期",
)
POLITICAL_HEADERS = [c.header for c in COLUMNS if c.field in POLITICAL_FIELDS]


def _existing(beilin, **political):
    """An organisation and the ledger row that repeats it exactly (no indicators given)."""
    organization = SocialOrganizationFactory(area=beilin, staff_count=20, formal_party_members=0)
    if political:
        PoliticalBuilding.objects.create(organization=organization, **political)
    values = row(
        credit_code=organization.credit_code,
        name=organization.name,
        category=str(organization.get_category_display()),
        registered_on=organization.registered_on.isoformat(),
        staff_count="20",
        formal_party_members="0",
        status="存续",
        setup_path="待定",
        setup_contact=organization.setup_contact,
        setup_contact_phone=organization.setup_contact_phone,
    )
    return organization, values


def _with(values, **cells):
    values = list(values)
    for header, value in cells.items():
        values[HEADERS.index(header)] = value
    return values


def _without_political(values):
    return values[: HEADERS.index(CHARTER)]


def _kinds(record):
    return dict(LedgerImportRow.objects.filter(ledger_import=record).values_list("number", "kind"))


def test_the_columns_are_optional_at_the_end_and_headed_by_the_models_labels():
    assert list(HEADERS[-6:]) == POLITICAL_HEADERS == [CHARTER, MEMBERS, ON_COMMITTEE, CROSS, MEETINGS, CONSULTATION]
    assert all(c.optional and not c.required for c in COLUMNS[-6:])


def test_an_import_sets_the_indicators_of_a_new_and_an_existing_organisation(beilin_user, beilin):
    with translation.override("zh-hans"):
        organization, same = _existing(beilin)
    new = _with(row(), **{CHARTER: "2019/7/1", MEMBERS: "2", ON_COMMITTEE: "1", CROSS: "2020-01-01"})
    changed = _with(same, **{MEETINGS: "2018-05-04", CONSULTATION: "2019-06-30"})
    plain = row()  # a new organisation with no indicator: no row
    record, result = preview(beilin_user, csv_bytes([new, changed, plain]))
    assert result.ok, result.all_problems
    # The existing organisation's only change is an indicator: an update.
    assert _kinds(record) == {2: Kind.CREATE, 3: Kind.UPDATE, 4: Kind.CREATE}
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    record.refresh_from_db()
    assert (record.created_count, record.updated_count, record.unchanged_count) == (2, 1, 0)
    created = PoliticalBuilding.objects.get(organization__credit_code=new[0])
    assert (created.charter_on, created.members_in_management, created.management_on_committee) == (
        dt.date(2019, 7, 1),
        2,
        1,
    )
    assert created.cross_appointed_on == dt.date(2020, 1, 1) and created.secretary_meetings_on is None
    existing = organization.political
    assert (existing.secretary_meetings_on, existing.consultation_on, existing.charter_on) == (
        dt.date(2018, 5, 4),
        dt.date(2019, 6, 30),
        None,
    )
    assert not PoliticalBuilding.objects.filter(organization__credit_code=plain[0]).exists()
    # One audit entry for the import, which counts the indicator writes.
    (entry,) = AuditEntry.objects.filter(kind=AuditEntry.Kind.IMPORT)
    assert entry.details["political"] == 2
    # The same file again: nothing to do.
    again, _result = preview(beilin_user, csv_bytes([new, changed, plain]))
    assert set(_kinds(again).values()) == {Kind.UNCHANGED}


def test_a_blank_cell_clears_an_indicator(beilin_user, beilin):
    with translation.override("zh-hans"):
        organization, same = _existing(
            beilin,
            charter_on=dt.date(2018, 1, 1),
            members_in_management=1,
            management_on_committee=1,
            cross_appointed_on=dt.date(2018, 2, 1),
        )
    kept = _with(same, **{CHARTER: "2018-01-01", MEMBERS: "1", ON_COMMITTEE: "1", CROSS: "2018-02-01"})
    record, result = preview(beilin_user, csv_bytes([kept]))
    assert _kinds(record) == {2: Kind.UNCHANGED}
    record, result = preview(beilin_user, csv_bytes([same]))  # every indicator blank
    assert result.ok and _kinds(record) == {2: Kind.UPDATE}
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    organization.political.refresh_from_db()
    political = organization.political
    assert (political.charter_on, political.members_in_management, political.cross_appointed_on) == (None, 0, None)


def test_a_file_without_the_columns_leaves_the_indicators_alone(beilin_user, beilin):
    indicators = {"charter_on": dt.date(2018, 1, 1), "consultation_on": dt.date(2019, 3, 1)}
    with translation.override("zh-hans"):
        organization, same = _existing(beilin, **indicators)
    header = _without_political(list(HEADERS))
    renamed = _with(same, 名称="改名协会")
    for content, name in (
        (csv_bytes([_without_political(same)], header=header), "l.csv"),
        (xlsx_bytes([_without_political(same)], header=header), "l.xlsx"),
    ):
        record, result = preview(beilin_user, content, name=name)
        assert result.ok, result.all_problems
        assert _kinds(record) == {2: Kind.UNCHANGED}
    record, result = preview(beilin_user, csv_bytes([_without_political(renamed)], header=header))
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    organization.refresh_from_db()
    political = PoliticalBuilding.objects.get(organization=organization)
    assert organization.name == "改名协会"
    assert (political.charter_on, political.consultation_on) == (dt.date(2018, 1, 1), dt.date(2019, 3, 1))


def test_a_file_with_only_some_indicators_changes_only_those(beilin_user, beilin):
    with translation.override("zh-hans"):
        organization, same = _existing(beilin, consultation_on=dt.date(2019, 3, 1))
    header = [*_without_political(list(HEADERS)), CHARTER]
    record, result = preview(beilin_user, csv_bytes([[*_without_political(same), "2020-02-02"]], header=header))
    assert result.ok and _kinds(record) == {2: Kind.UPDATE}
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    political = PoliticalBuilding.objects.get(organization=organization)
    assert (political.charter_on, political.consultation_on) == (dt.date(2020, 2, 2), dt.date(2019, 3, 1))
    # The cross-appointment columns go together.
    _record, result = preview(
        beilin_user, csv_bytes([[*_without_political(same), "1"]], header=[*header[:-1], MEMBERS])
    )
    assert problems(result) == {(1, ON_COMMITTEE, "missing_column"), (1, CROSS, "missing_column")}


def test_refused_indicators_are_problems_in_their_cells_and_nothing_is_written(beilin_user, beilin):
    future = (clock.today() + dt.timedelta(days=30)).isoformat()
    rows = [
        _with(row(), **{CROSS: "2020-01-01", MEMBERS: "1"}),  # a date without both counts
        _with(row(), **{MEMBERS: "1", ON_COMMITTEE: "2"}),  # both counts without the date
        _with(row(), **{CHARTER: future}),
        _with(row(), **{MEETINGS: "1948-12-31", MEMBERS: "-1", ON_COMMITTEE: "2000000"}),
        _with(row(), **{CONSULTATION: "not a date", ON_COMMITTEE: "x"}),
    ]
    with translation.override("zh-hans"):
        record, result = preview(beilin_user, csv_bytes(rows))
        messages = {(p.row, p.column): p.message for p in result.problems}
    assert problems(result) == {
        (2, CROSS, "cross_appointed_on_invalid"),
        (3, CROSS, "cross_appointed_on_invalid"),
        (4, CHARTER, "charter_on_invalid"),
        (5, MEETINGS, "date_too_early"),
        (5, MEMBERS, "members_in_management_min_value"),
        (5, ON_COMMITTEE, "number_too_large"),
        (6, CONSULTATION, "bad_date"),
        (6, ON_COMMITTEE, "not_integer"),
    }
    assert messages[(2, CROSS)] == "交叉任职须两项人数均不少于 1 人。"
    assert messages[(4, CHARTER)] == "该日期不能晚于今天。"
    assert messages[(5, MEETINGS)] == "请填写 1949-10-01 或以后的日期。"
    with pytest.raises(Exception):  # noqa: B017 - the file has problems: refused whatever the reason
        imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert not SocialOrganization.objects.exists() and not PoliticalBuilding.objects.exists()
    assert LedgerImport.objects.get(pk=record.pk).status == LedgerImport.Status.REJECTED


def test_the_preview_shows_the_old_and_new_indicator(login, beilin_user, beilin):
    with translation.override("zh-hans"):
        _organization, same = _existing(beilin, charter_on=dt.date(2018, 1, 1))
    record, _result = preview(beilin_user, csv_bytes([_with(same, **{CHARTER: "2020-06-30", MEETINGS: "2019-01-02"})]))
    with translation.override("zh-hans"):
        response = login(beilin_user).get(reverse("coverage:ledger-import-preview", args=[record.pk]))
    (shown,) = response.context["rows"]
    assert shown.kind == Kind.UPDATE
    assert [(c.field, c.label, c.old, c.new) for c in shown.changes] == [
        ("charter_on", CHARTER, "2018年1月1日", "2020年6月30日"),
        ("secretary_meetings_on", MEETINGS, "—", "2019年1月2日"),
    ]


def test_the_downloaded_template_round_trips_the_indicators(beilin_user, beilin):
    workbook = openpyxl.load_workbook(io.BytesIO(template.template_xlsx(actor=beilin_user)))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]][-6:] == POLITICAL_HEADERS
    with translation.override("zh-hans"):
        notes = openpyxl.load_workbook(io.BytesIO(template.template_xlsx(actor=beilin_user))).worksheets[1]
    described = {r[0]: r for r in notes.iter_rows(values_only=True)}
    assert all(described[h][1] == "否" and "留空" in described[h][2] for h in POLITICAL_HEADERS)
    sheet["A2"] = code()
    buffer = io.BytesIO()
    workbook.save(buffer)
    record, result = preview(beilin_user, buffer.getvalue(), name="t.xlsx")
    assert result.ok, result.all_problems
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    political = PoliticalBuilding.objects.get(organization__credit_code=sheet["A2"].value)
    assert (political.charter_on, political.cross_appointed_on) == (dt.date(2018, 7, 1), dt.date(2019, 1, 1))
    assert (political.members_in_management, political.management_on_committee) == (2, 1)
