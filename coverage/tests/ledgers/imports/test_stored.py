"""A file is checked once and the check is stored: the preview reads it a page
at a time, the import writes from it, and what is never imported expires."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from coverage import tasks
from coverage.ledgers.imports import checking
from coverage.ledgers.imports import services as imports
from coverage.ledgers.imports.columns import HEADERS
from coverage.ledgers.services import Owner
from coverage.models import LedgerImport, LedgerImportProblem, LedgerImportRow
from coverage.recount import services as recount
from coverage.tests.ledgers.files import code, csv_bytes, preview, realistic_rows, row, xlsx_bytes
from organizations.coverage_state import refresh_coverage
from organizations.models import SocialOrganization
from organizations.tests.factories import SocialOrganizationFactory
from xian_partybuild import clock

pytestmark = pytest.mark.django_db

BEILIN = [("碑林区", "610103")]


def _mixed_rows(dataset):
    return [
        row(),
        row(staff_count="-1"),  # the model's message, stored in every language
        row(staff_count="10", formal_party_members="30"),  # clean()'s message, formatted when raised
        row(area="雁塔区"),  # the import's own message, with parameters
        row(credit_code=code("52")),  # a warning
        row(credit_code=dataset.a.credit_code, name="A 协会（新名）"),  # an update
        row(credit_code=dataset.g.credit_code),  # registered outside Beilin
        row(registered_on="2019/4/1", deregistered_on="", status="存续"),
    ]


def _as_shown(problems):
    shown = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            shown.append([(p.row, p.column, p.code, p.message) for p in problems])
    return shown


@pytest.mark.parametrize("writer,name", [(csv_bytes, "l.csv"), (xlsx_bytes, "l.xlsx")])
def test_the_stored_check_equals_a_fresh_check(beilin_user, beilin, dataset, writer, name):
    content = writer(_mixed_rows(dataset))
    record, stored = preview(beilin_user, content, name=name)
    fresh = imports.ledger_import_check(actor=beilin_user, file_name=name, content=content, target=Owner(beilin, None))
    assert (stored.row_count, stored.refused) == (fresh.row_count, fresh.refused) == (8, None)
    assert _as_shown(stored.problems) == _as_shown(fresh.problems)
    assert [p.code for p in stored.problems] == [
        "staff_count_min_value",
        "formal_party_members_invalid",
        "area_scope",
        "org_scope",
    ]
    assert _as_shown(stored.warnings) == _as_shown(fresh.warnings) and len(stored.warnings) == 1
    assert stored.rows == fresh.rows and [number for number, _fields in stored.rows] == [2, 6, 7, 9]
    assert (record.row_count, record.error_count, record.warning_count) == (8, 4, 1)


def test_a_refused_file_is_stored_as_its_one_reason(beilin_user, beilin):
    record, stored = preview(beilin_user, b"not a workbook", name="l.xlsx")
    fresh = imports.ledger_import_check(
        actor=beilin_user, file_name="l.xlsx", content=b"not a workbook", target=Owner(beilin, None)
    )
    assert stored.refused == fresh.refused and stored.refused.code == "not_xlsx"
    assert (record.status, record.error_count, record.row_count) == (LedgerImport.Status.REJECTED, 1, 0)


# The preview page ------------------------------------------------------------------------


def _preview_url(record, **query):
    url = reverse("coverage:ledger-import-preview", args=[record.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _bad_file(count):
    """`count` rows, each with two problems."""
    return csv_bytes([row(staff_count="-1", area="雁塔区") for _ in range(count)])


def test_the_preview_page_costs_the_same_queries_whatever_the_file_holds(
    login, beilin_user, beilin, yanta, django_assert_num_queries
):
    client = login(beilin_user)
    small, _result = preview(beilin_user, _bad_file(2))
    large, _result = preview(beilin_user, _bad_file(700))
    clean_small, _result = preview(beilin_user, csv_bytes(realistic_rows(3, areas=BEILIN)))
    clean_large, _result = preview(beilin_user, csv_bytes(realistic_rows(3000, areas=BEILIN)))
    assert (small.error_count, large.error_count, clean_large.row_count) == (4, 1400, 3000)
    client.get(_preview_url(small))  # the session's first use
    # Session, user, the user's area (scope), the import, one page of problems;
    # the row list's: the first problem (is it the file's?), a page of rows, their problems.
    for record, query in ((small, {}), (large, {}), (large, {"page": 14}), (large, {"page": 9})):
        with django_assert_num_queries(8):
            response = client.get(_preview_url(record, **query))
        assert response.status_code == 200
    rows = response.context["table"].page.object_list
    assert [r.record.row for r in rows][:2] == [402, 402] and len(rows) == 100
    # A clean file: no page of problems to read; a page of rows (all new: no records to compare).
    for record in (clean_small, clean_large):
        with django_assert_num_queries(5):
            response = client.get(_preview_url(record))
        assert response.context["importable"]
    # Warnings do not stop the import: one page of them.
    warned, _result = preview(beilin_user, csv_bytes([row(credit_code=code("52")) for _ in range(300)]))
    with django_assert_num_queries(6):
        response = client.get(_preview_url(warned, **{"w-page": 3}))
    assert response.context["importable"] and len(response.context["warnings_table"].page.object_list) == 100


def test_the_last_page_and_the_problem_export_have_every_problem(login, beilin_user, yanta):
    client = login(beilin_user)
    record, _result = preview(beilin_user, _bad_file(130))
    response = client.get(_preview_url(record, page=3))
    assert [r.record.row for r in response.context["table"].page.object_list][-1] == 131
    response = client.get(_preview_url(record, _export="csv"))
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert len(text.strip().splitlines()) == 1 + 260


# Checking as a task, with progress ----------------------------------------------------------


def test_an_upload_is_checked_in_a_task_that_the_page_follows(
    login, beilin_user, beilin, recounted_2020h2, django_capture_on_commit_callbacks
):
    client = login(beilin_user)
    content = csv_bytes(realistic_rows(5000, areas=BEILIN))
    upload = {"period": "2020H2", "file": _upload(content)}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("coverage:ledger-import"), upload)
    record = LedgerImport.objects.get()
    assert response.status_code == 302 and record.status == LedgerImport.Status.CHECKING
    page = client.get(response.url).content.decode()
    status_url = reverse("coverage:ledger-import-status", args=[record.pk])
    assert f'data-status-url="{status_url}"' in page and "js/ledger-import.js" in page and "<script>" not in page
    assert client.get(status_url).json() == {
        "status": "checking",
        "label": "正在检查",
        "live": True,
        "checked": 0,
        "expected": 0,
        "text": "已检查 0 行。",
    }
    for callback in callbacks:  # what a worker does
        callback()
    record.refresh_from_db()
    assert (record.status, record.row_count, record.checked_count, record.expected_count) == (
        LedgerImport.Status.PREVIEWED,
        5000,
        5000,
        5000,
    )
    assert client.get(status_url).json()["live"] is False
    # Halfway, the page and the status say how far the check has come.
    LedgerImport.objects.filter(pk=record.pk).update(status=LedgerImport.Status.CHECKING, checked_count=2000)
    assert client.get(status_url).json()["text"] == "已检查 2,000 行，共约 5,000 行。"


def test_a_check_runs_once(beilin_user):
    record, _result = preview(beilin_user, csv_bytes([row()]))
    stamp = record.checked_at
    tasks.ledger_import_check(record.pk)  # a redelivered message
    record.refresh_from_db()
    assert record.checked_at == stamp and LedgerImportRow.objects.filter(ledger_import=record).count() == 1


def test_an_interrupted_check_starts_again_from_nothing(beilin_user, beilin):
    record, _result = preview(beilin_user, csv_bytes([row(), row(staff_count="-1")]))
    LedgerImport.objects.filter(pk=record.pk).update(status=LedgerImport.Status.CHECKING)
    tasks.ledger_import_check(record.pk)
    record.refresh_from_db()
    assert (record.status, record.row_count, record.error_count) == (LedgerImport.Status.REJECTED, 2, 1)
    # The valid row and the row with a problem, each once.
    kinds = LedgerImportRow.objects.filter(ledger_import=record).order_by("number").values_list("kind", flat=True)
    assert list(kinds) == [LedgerImportRow.Kind.CREATE, LedgerImportRow.Kind.ERROR]
    assert LedgerImportProblem.objects.filter(ledger_import=record).count() == 1


def test_a_check_that_fails_says_so_instead_of_running_for_ever(beilin_user, monkeypatch):
    def broken(self, batch, parsed):
        raise RuntimeError("a bug")

    monkeypatch.setattr(checking.RowChecker, "_finish", broken)
    record, result = preview(beilin_user, csv_bytes([row()]))
    assert record.status == LedgerImport.Status.REJECTED and result.refused.code == "check_failed"


# The import writes from the stored rows ----------------------------------------------------


def test_the_import_writes_the_stored_rows_not_the_file(beilin_user, beilin):
    first, second = code(), code()
    record, _result = preview(beilin_user, csv_bytes([row(credit_code=first), row(credit_code=second)]))
    # Whatever is stored is what is written: the file is not read again.
    LedgerImport.objects.filter(pk=record.pk).update(content=b"no longer a ledger")
    stored = LedgerImportRow.objects.get(ledger_import=record, number=3)
    stored.values = {**stored.values, "name": "存储的名称", "registered_on": "2016-06-06"}
    stored.save()
    record = imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert (record.status, record.created_count) == (LedgerImport.Status.IMPORTED, 2)
    written = SocialOrganization.objects.get(credit_code=second)
    assert (written.name, written.registered_on, written.area) == ("存储的名称", dt.date(2016, 6, 6), beilin)
    # The file has served; the rows remain as the list of what was done, each with its record.
    assert (bytes(record.content), record.content_deleted_at is not None) == (b"", True)
    done = LedgerImportRow.objects.filter(ledger_import=record).order_by("number")
    assert [(r.kind, r.organization.credit_code) for r in done] == [("create", first), ("create", second)]


def test_an_import_of_many_rows_in_chunks_is_still_one_transaction(beilin_user, beilin, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_CHUNK", 7)
    rows = realistic_rows(30, areas=BEILIN)
    record, _result = preview(beilin_user, csv_bytes(rows))
    record = imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert (record.created_count, SocialOrganization.objects.count()) == (30, 30)


def test_a_code_registered_outside_the_scope_since_the_check_rejects_the_import_and_writes_nothing(
    login, beilin_user, beilin, yanta
):
    rows = [row(), row(), row()]
    record, result = preview(beilin_user, csv_bytes(rows))
    assert result.ok
    SocialOrganizationFactory(credit_code=rows[1][0], area=yanta)  # registered in Yanta meanwhile
    with pytest.raises(ValidationError) as excinfo:
        imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert excinfo.value.code == "conflict"
    assert SocialOrganization.objects.count() == 1
    record.refresh_from_db()
    assert (record.status, record.error_count) == (LedgerImport.Status.REJECTED, 1)
    # The page says which row.
    response = login(beilin_user).get(_preview_url(record))
    assert [(r.record.row, r.record.code) for r in response.context["table"].rows] == [(3, "org_scope")]


def test_the_import_is_queued_once_and_runs_as_a_task(
    login, beilin_user, beilin, recounted_2020h2, django_capture_on_commit_callbacks
):
    client = login(beilin_user)
    record, _result = preview(beilin_user, csv_bytes([row(), row()]))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(_preview_url(record))
        second = client.post(_preview_url(record), follow=True)  # a double click
    record.refresh_from_db()
    assert record.status == LedgerImport.Status.IMPORTING and len(callbacks) == 1
    assert "正在导入" in second.content.decode()
    callbacks[0]()
    record.refresh_from_db()
    assert (record.status, record.created_count, SocialOrganization.objects.count()) == ("imported", 2, 2)
    callbacks[0]()  # redelivered: nothing more
    assert SocialOrganization.objects.count() == 2


def test_a_failed_import_returns_the_file_to_checked_with_the_reason(
    login, beilin_user, beilin, recounted_2020h2, monkeypatch, django_capture_on_commit_callbacks
):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "organizations_import", boom)
    client = login(beilin_user)
    record, _result = preview(beilin_user, csv_bytes([row()]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_preview_url(record))
    record.refresh_from_db()
    assert (record.status, record.failure) == (LedgerImport.Status.PREVIEWED, "import_failed")
    html = client.get(_preview_url(record)).content.decode()
    assert 'data-failure="import_failed"' in html and 'name="import"' in html
    assert not SocialOrganization.objects.exists()


# Retention -------------------------------------------------------------------------------------


def test_files_never_imported_are_deleted_after_the_retention_period(beilin_user, beilin, settings):
    old, _result = preview(beilin_user, csv_bytes([row(), row(staff_count="-1")]))
    recent, _result = preview(beilin_user, csv_bytes([row()]))
    done, _result = preview(beilin_user, csv_bytes([row()]))
    imports.ledger_import_run(actor=beilin_user, ledger_import=done)
    now = clock.now()
    eight_days_ago = now - dt.timedelta(days=8)
    LedgerImport.objects.filter(pk__in=[old.pk, done.pk]).update(uploaded_at=eight_days_ago)
    LedgerImport.objects.filter(pk=recent.pk).update(uploaded_at=now - dt.timedelta(days=6))

    assert tasks.ledger_imports_expire() == 1
    old.refresh_from_db()
    assert (old.status, bytes(old.content), old.content_deleted_at is not None) == ("expired", b"", True)
    assert not LedgerImportRow.objects.filter(ledger_import=old).exists()
    assert not LedgerImportProblem.objects.filter(ledger_import=old).exists()
    recent.refresh_from_db()
    assert (recent.status, bytes(recent.content) != b"") == ("previewed", True)
    assert LedgerImportRow.objects.filter(ledger_import=recent).count() == 1
    assert tasks.ledger_imports_expire() == 0  # safe to repeat
    with pytest.raises(ValidationError):
        imports.ledger_import_run(actor=beilin_user, ledger_import=old)
    assert imports.RETENTION.days == 7
    entry = settings.CELERY_BEAT_SCHEDULE["ledger-imports-expire"]
    assert entry["task"] == "coverage.tasks.ledger_imports_expire"


def test_an_expired_upload_says_to_upload_again(login, beilin_user):
    record, _result = preview(beilin_user, csv_bytes([row()]))
    LedgerImport.objects.filter(pk=record.pk).update(uploaded_at=clock.now() - dt.timedelta(days=30))
    imports.ledger_imports_expire()
    html = login(beilin_user).get(_preview_url(record)).content.decode()
    assert 'data-refused="expired"' in html and "7 天内未导入" in html


def _upload(content, name="ledger.csv"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def recounted_2020h2(beilin):
    # The upload form offers only half-years that have been recounted.
    recount.recount_run(period="2020H2")


def test_the_import_keeps_the_stored_coverage_of_what_it_writes_true(beilin_user, beilin, dataset):
    # E has no party organisation; with three members it must establish one (应建未建).
    assert not SocialOrganization.objects.get(pk=dataset.e.pk).current_must_establish_gap
    new = code()
    changed = row(
        credit_code=dataset.e.credit_code,
        name=dataset.e.name,
        staff_count="30",
        formal_party_members="3",
        registered_on=dataset.e.registered_on.isoformat(),
    )
    record, result = preview(beilin_user, csv_bytes([row(credit_code=new, formal_party_members="4"), changed]))
    assert result.ok, result.all_problems
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert SocialOrganization.objects.get(credit_code=new).current_must_establish_gap
    assert SocialOrganization.objects.get(pk=dataset.e.pk).current_must_establish_gap


def test_any_text_survives_the_bulk_write(beilin_user, beilin, dataset):
    # COPY on PostgreSQL: quotes, commas, line breaks and its own NULL marker are text like any other.
    awkward = ['带"引号"的,协会', "\\N", "第一行\n第二行", "N/A", ""]
    rows = [row(name=f"协会{i}{text}", setup_contact=text) for i, text in enumerate(awkward)]
    changed = row(credit_code=dataset.a.credit_code, name='A "协会",\\N', setup_contact="\\N")
    record, result = preview(beilin_user, csv_bytes([*rows, changed]))
    assert result.ok, result.all_problems
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    for values in rows:
        written = SocialOrganization.objects.get(credit_code=values[0])
        assert (written.name, written.setup_contact) == (values[1], values[HEADERS.index("党建联络人")])
    dataset.a.refresh_from_db()
    assert (dataset.a.name, dataset.a.setup_contact) == ('A "协会",\\N', "\\N")


def test_new_organisations_are_written_with_their_coverage_already_right(beilin_user, beilin, monkeypatch):
    # Without the import's own refresh, nothing is left to correct: the rows were written once.
    monkeypatch.setattr(imports, "refresh_coverage", lambda *args, **kwargs: 0)
    today = clock.today()
    rows = [
        row(formal_party_members="3"),  # 应建未建
        row(formal_party_members="2"),
        row(formal_party_members="5", status="已注销", deregistered_on=(today - dt.timedelta(days=1)).isoformat()),
        row(formal_party_members="4", registered_on=today.isoformat()),  # registered today: counts
    ]
    record, result = preview(beilin_user, csv_bytes(rows))
    assert result.ok, result.all_problems
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    written = SocialOrganization.objects.filter(credit_code__in=[r[0] for r in rows])
    assert refresh_coverage(written) == 0
    assert [o.current_must_establish_gap for o in written.order_by("credit_code")] == [
        r[HEADERS.index("正式党员数")] in ("3", "4") for r in sorted(rows)
    ]
