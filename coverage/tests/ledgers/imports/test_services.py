"""Preview, import and the import's all-or-nothing write (coverage.ledgers.imports.services)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coverage.ledgers.imports import services as imports
from coverage.models import LedgerImport
from coverage.recount import services
from coverage.tests.ledgers.files import code, csv_bytes, preview, problems, row
from organizations import bulk
from organizations.models import SocialOrganization
from organizations.tests.factories import SocialOrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(db):
    return services.period_get(period="2020H2")


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
    record = imports.ledger_import_run(actor=beilin_user, ledger_import=record)
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


# All or nothing, and idempotent ------------------------------------------------------------


def test_a_file_with_one_bad_row_imports_nothing(beilin_user, dataset):
    before = SocialOrganization.objects.count()
    record, result = preview(beilin_user, csv_bytes([row(), row(), row(staff_count="-3")]))
    assert not result.ok
    with pytest.raises(ValidationError):
        imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    # Even forced past the preview, the check inside the import refuses it.
    LedgerImport.objects.filter(pk=record.pk).update(status=LedgerImport.Status.PREVIEWED)
    with pytest.raises(ValidationError) as excinfo:
        imports.ledger_import_run(actor=beilin_user, ledger_import=record)
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
    monkeypatch.setattr(bulk, "update", boom)
    with pytest.raises(RuntimeError):
        imports.ledger_import_run(actor=beilin_user, ledger_import=record)
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
    first = imports.ledger_import_run(actor=beilin_user, ledger_import=preview(beilin_user, content)[0])
    assert (first.created_count, first.updated_count, first.unchanged_count) == (1, 0, 1)
    stamps = dict(SocialOrganization.objects.values_list("credit_code", "updated_at"))
    second = imports.ledger_import_run(actor=beilin_user, ledger_import=preview(beilin_user, content)[0])
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 2)
    assert dict(SocialOrganization.objects.values_list("credit_code", "updated_at")) == stamps


def test_changed_rows_are_updated_and_other_fields_kept(beilin_user, beilin):
    org = SocialOrganizationFactory(area=beilin, is_trade_association=True, name="旧名")
    content = csv_bytes([row(credit_code=org.credit_code, name="新名", staff_count="30")])
    record = imports.ledger_import_run(actor=beilin_user, ledger_import=preview(beilin_user, content)[0])
    assert (record.created_count, record.updated_count) == (0, 1)
    org.refresh_from_db()
    assert (org.name, org.staff_count, org.is_trade_association) == ("新名", 30, True)


def test_a_file_imports_once(beilin_user):
    record, _result = preview(beilin_user, csv_bytes([row()]))
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    with pytest.raises(ValidationError) as excinfo:
        imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert excinfo.value.code == "status"
    assert SocialOrganization.objects.count() == 1


def test_records_changed_since_the_preview_are_checked_again(beilin_user, yanta):
    shared = code()
    record, result = preview(beilin_user, csv_bytes([row(credit_code=shared)]))
    assert result.ok
    SocialOrganizationFactory(credit_code=shared, area=yanta)  # registered in Yanta meanwhile
    with pytest.raises(ValidationError):
        imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert SocialOrganization.objects.count() == 1


def test_another_district_cannot_run_an_import(beilin_user, yanta_user):
    record, _result = preview(beilin_user, csv_bytes([row()]))
    with pytest.raises(PermissionDenied):
        imports.ledger_import_run(actor=yanta_user, ledger_import=record)
    assert not SocialOrganization.objects.exists()
