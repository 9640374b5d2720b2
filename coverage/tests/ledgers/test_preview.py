"""The import's preview lists every row by what the import will do (and,
after it, what it did), an update with its changes old → new."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from coverage.ledgers.imports import services as imports
from coverage.models import LedgerImport, LedgerImportRow
from coverage.tests.ledgers.files import code, csv_bytes, preview, row
from organizations.models import SocialOrganization

pytestmark = pytest.mark.django_db
Kind = LedgerImportRow.Kind


@pytest.fixture
def post_running_tasks(django_capture_on_commit_callbacks):
    """POST running the tasks the request queues (as without a broker), then follow the redirect."""

    def _post(client, url):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url)
        return client.get(response.url)

    return _post


def _url(record, **query):
    url = reverse("coverage:ledger-import-preview", args=[record.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def imported(beilin_user, beilin):
    """Two organisations already imported: one the next file changes, one it repeats."""
    changed, same = code(), code()
    record, _result = preview(beilin_user, csv_bytes([row(credit_code=changed), row(credit_code=same)]))
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    return changed, same


def _next_file(beilin_user, changed, same, *, new=1, updated=1, unchanged=1, errors=1, more=0):
    """A file of `new` new rows, `updated` changed ones (`changed` first),
    `unchanged` repeats of `same`, `errors` bad rows, and `more` new ones after them."""
    rows = [row(credit_code=code(), name=f"新协会{i}") for i in range(new)]
    changes = {"name": "碑林区示范协会（更名）", "staff_count": "12", "registered_on": "2019/5/6", "category": "基金会"}
    rows += [row(credit_code=changed, **changes)]
    rows += [row(credit_code=_existing(beilin_user), staff_count="30") for _ in range(updated - 1)]
    rows += [row(credit_code=same)] * min(unchanged, 1)
    rows += [row(credit_code=_existing(beilin_user)) for _ in range(unchanged - 1)]
    rows += [row(credit_code=code(), staff_count="-1") for _ in range(errors)]
    rows += [row(credit_code=code(), name=f"又一协会{i}") for i in range(more)]
    record, _result = preview(beilin_user, csv_bytes(rows))
    return record


def _existing(user):
    """An organisation as the file writes it (imported, so that a repeat is unchanged)."""
    number = code()
    record, _result = preview(user, csv_bytes([row(credit_code=number)]))
    imports.ledger_import_run(actor=user, ledger_import=record)
    return number


def test_the_preview_marks_each_row_and_shows_an_updates_changes(login, beilin_user, imported):
    changed, same = imported
    before = SocialOrganization.objects.get(credit_code=changed)
    record = _next_file(beilin_user, changed, same)
    assert (record.status, record.row_count) == (LedgerImport.Status.REJECTED, 4)
    with translation.override("zh-hans"):
        response = login(beilin_user).get(_url(record))
    context = response.context
    assert [(value, count) for value, _label, count in context["kinds"]] == [
        (Kind.CREATE, 1),
        (Kind.UPDATE, 1),
        (Kind.UNCHANGED, 1),
        (Kind.ERROR, 1),
    ]
    by_number = {r.number: r for r in context["rows"]}
    assert [by_number[n].kind for n in (2, 3, 4, 5)] == [Kind.CREATE, Kind.UPDATE, Kind.UNCHANGED, Kind.ERROR]
    update = by_number[3]
    changes = {c.field: (c.label, c.old, c.new) for c in update.changes}
    assert changes == {
        "name": ("名称", before.name, "碑林区示范协会（更名）"),
        "category": ("类别", "社会团体", "基金会"),
        "registered_on": ("登记日期", "2018年3月1日", "2019年5月6日"),
        "staff_count": ("从业人员数", str(before.staff_count), "12"),
    }
    assert [(p.row, p.column) for p in by_number[5].problems] == [(5, "从业人员数")]
    html = response.content.decode()
    assert "新建 1" in html and "更新 1" in html and "无变化 1" in html and "有错误 1" in html
    assert "<del>社会团体</del> → <ins>基金会</ins>" in html


def test_a_clean_file_lists_its_rows_before_the_import(login, beilin_user, imported):
    changed, same = imported
    record = _next_file(beilin_user, changed, same, errors=0)
    response = login(beilin_user).get(_url(record))
    assert response.context["importable"] and 'name="import"' in response.content.decode()
    assert {r.kind for r in response.context["rows"]} == {Kind.CREATE, Kind.UPDATE, Kind.UNCHANGED}


def test_the_filter_by_kind(login, beilin_user, imported):
    changed, same = imported
    record = _next_file(beilin_user, changed, same, new=3, errors=2)
    client = login(beilin_user)
    for kind, expected in ((Kind.CREATE, 3), (Kind.UPDATE, 1), (Kind.UNCHANGED, 1), (Kind.ERROR, 2)):
        rows = client.get(_url(record, kind=kind)).context["rows"]
        assert len(rows) == expected and {r.kind for r in rows} == {kind}
    assert len(client.get(_url(record)).context["rows"]) == 7
    # Anything else is every row.
    assert len(client.get(_url(record, kind="nonsense")).context["rows"]) == 7


def test_the_rows_are_paginated(login, beilin_user, imported):
    changed, same = imported
    record = _next_file(beilin_user, changed, same, new=30, errors=0)
    client = login(beilin_user)
    first = client.get(_url(record, per_page=25)).context
    assert first["rows_page"].paginator.num_pages == 2
    assert [r.number for r in first["rows"]] == list(range(2, 27))
    second = client.get(_url(record, per_page=25, rows_page=2)).context["rows"]
    assert [r.number for r in second] == list(range(27, 34))
    created = client.get(_url(record, per_page=25, kind=Kind.CREATE, rows_page=2)).context["rows"]
    assert [r.number for r in created] == list(range(27, 32))


def _queries(client, record) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(_url(record, per_page=25)).status_code == 200
    return len(captured)


def test_the_preview_costs_the_same_queries_whatever_the_files_length(login, beilin_user, imported):
    changed, same = imported
    small = _next_file(beilin_user, changed, same, new=2, updated=2, unchanged=2, errors=2)
    # The same first page (every kind on it), and 300 rows more after it.
    large = _next_file(beilin_user, changed, same, new=2, updated=2, unchanged=2, errors=2, more=300)
    client = login(beilin_user)
    _queries(client, small)  # the session and the user, once
    counts = (_queries(client, small), _queries(client, large))
    assert counts == (counts[0], counts[0])
    # The session, the user, the user's area, the import; the problems
    # table's (the first problem, its page and count); the rows' page, the
    # page's records, their areas' names, the page's rows' problems.
    assert counts[0] == 11


def test_after_the_import_the_page_lists_what_was_done(login, beilin_user, imported, post_running_tasks):
    changed, same = imported
    record = _next_file(beilin_user, changed, same, new=2, errors=0)
    client = login(beilin_user)
    response = post_running_tasks(client, _url(record))
    record.refresh_from_db()
    assert (record.status, record.created_count, record.updated_count, record.unchanged_count) == (
        LedgerImport.Status.IMPORTED,
        2,
        1,
        1,
    )
    rows = response.context["rows"]
    assert [r.kind for r in rows] == [Kind.CREATE, Kind.CREATE, Kind.UPDATE, Kind.UNCHANGED]
    html = response.content.decode()
    for r in rows:
        organization = SocialOrganization.objects.get(pk=r.organization_id)
        assert organization.credit_code == r.credit_code
        assert reverse("organizations:organization-detail", args=[organization.pk]) in html
    created = client.get(_url(record, kind=Kind.CREATE)).context["rows"]
    assert [r.number for r in created] == [2, 3]


def test_a_record_changed_since_the_check_is_listed_as_the_import_found_it(beilin_user, imported):
    changed, same = imported
    record = _next_file(beilin_user, changed, same, errors=0)
    SocialOrganization.objects.filter(credit_code=same).update(staff_count=99)  # now the file changes it
    record = imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert (record.created_count, record.updated_count, record.unchanged_count) == (1, 2, 0)
    kinds = LedgerImportRow.objects.filter(ledger_import=record).order_by("number").values_list("kind", flat=True)
    assert list(kinds) == [Kind.CREATE, Kind.UPDATE, Kind.UPDATE]


def test_another_district_does_not_see_the_preview(login, beilin_user, yanta_user, imported):
    changed, same = imported
    record = _next_file(beilin_user, changed, same)
    assert login(yanta_user).get(_url(record, kind=Kind.UPDATE)).status_code == 404


def test_the_row_list_is_deleted_with_the_retention(beilin_user, imported):
    changed, same = imported
    record = _next_file(beilin_user, changed, same, errors=0)
    record = imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    assert LedgerImportRow.objects.filter(ledger_import=record).count() == 3
    imports.ledger_imports_expire(now=record.content_deleted_at + imports.RETENTION + dt.timedelta(seconds=1))
    assert not LedgerImportRow.objects.filter(ledger_import=record).exists()


def test_the_recent_uploads_report_only_an_imports_counts(login, beilin_user, imported):
    changed, same = imported
    waiting = _next_file(beilin_user, changed, same, errors=0)
    response = login(beilin_user).get(reverse("coverage:ledger-import"))
    rows = {r.record.pk: r for r in response.context["recent_table"].rows}
    assert rows[waiting.pk].get_cell("created_count") == "—"
    done = LedgerImport.objects.get(status=LedgerImport.Status.IMPORTED)
    assert rows[done.pk].get_cell("created_count") == done.created_count == 2
