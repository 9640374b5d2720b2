import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coverage.ledgers import services as ledgers
from coverage.ledgers.imports import columns, parsing
from coverage.ledgers.imports import services as imports
from coverage.models import Ledger, LedgerImport, Snapshot
from coverage.recount import services
from coverage.tests.ledgers.files import code, csv_bytes, row
from organizations.models import SocialOrganization

pytestmark = pytest.mark.django_db

LIST = reverse("coverage:ledger-list")
SUBMIT = reverse("coverage:ledger-submit")
IMPORT = reverse("coverage:ledger-import")
TEMPLATE = reverse("coverage:ledger-import-template")


@pytest.fixture
def recounted(dataset):
    services.recount_run(period="2020H2")
    return dataset


@pytest.fixture
def beilin_ledger(recounted, beilin_user):
    return ledgers.ledger_submit(actor=beilin_user, period="2020H2", note="ok")


@pytest.fixture
def beilin_import(recounted, beilin_user):
    record, _result = imports.ledger_import_preview(
        actor=beilin_user, period=services.period_get(period="2020H2"), file_name="l.csv", content=csv_bytes([row()])
    )
    return record


def _review(ledger):
    return reverse("coverage:ledger-review", args=[ledger.pk])


def _preview(record):
    return reverse("coverage:ledger-import-preview", args=[record.pk])


def _upload(content, name="ledger.csv"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def post_running_tasks(django_capture_on_commit_callbacks):
    """POST as a browser does, running the tasks the request queues (in-process, as without a broker)."""

    def _post(client, url, data=None, *, follow=False):
        # The queued tasks run as the request's transaction commits: before the browser follows the redirect.
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data or {})
        return client.get(response.url) if follow and response.status_code == 302 else response

    return _post


def _keys(response):
    return [r.record.key for r in response.context["table"].rows]


# Who may open what ---------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client, beilin_ledger, beilin_import):
    for url in (LIST, SUBMIT, IMPORT, TEMPLATE, _review(beilin_ledger), _preview(beilin_import)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_another_districts_ledger_and_import_are_404(login, yanta_user, lawyers_user, beilin_ledger, beilin_import):
    for user in (yanta_user, lawyers_user):
        client = login(user)
        for url in (_review(beilin_ledger), _preview(beilin_import)):
            assert client.get(url).status_code == 404
            assert client.post(url, {"action": "accept"}).status_code == 404
    assert LedgerImport.objects.get().status == LedgerImport.Status.PREVIEWED


def test_owner_and_city_see_a_ledger(login, beilin_user, staff_user, leader_user, beilin_ledger, beilin_import):
    for user in (beilin_user, staff_user, leader_user):
        client = login(user)
        assert client.get(_review(beilin_ledger)).status_code == 200
        assert client.get(_preview(beilin_import)).status_code == 200


def test_leadership_reads_but_every_post_is_403(login, leader_user, beilin, beilin_ledger, beilin_import):
    client = login(leader_user)
    assert client.get(LIST).status_code == 200
    assert client.post(_review(beilin_ledger), {"action": "accept"}).status_code == 403
    assert client.post(_preview(beilin_import)).status_code == 403
    assert client.post(SUBMIT, {"period": "2020H2"}).status_code == 403
    assert (
        client.post(IMPORT, {"period": "2020H2", "area": beilin.pk, "file": _upload(csv_bytes([row()]))}).status_code
        == 403
    )
    assert client.get(IMPORT).status_code == 403
    beilin_ledger.refresh_from_db()
    assert beilin_ledger.status == Ledger.Status.SUBMITTED
    assert LedgerImport.objects.count() == 1 and not SocialOrganization.objects.filter(name="碑林区示范协会").exists()


def test_only_city_staff_may_post_a_review(login, beilin_user, beilin_ledger):
    assert login(beilin_user).post(_review(beilin_ledger), {"action": "accept"}).status_code == 403


def test_city_staff_cannot_submit(login, staff_user, recounted):
    client = login(staff_user)
    assert client.get(SUBMIT).status_code == 403
    assert client.post(SUBMIT, {"period": "2020H2"}).status_code == 403


# The reporting table -----------------------------------------------------------------------


def test_staff_see_every_area_and_committee(login, staff_user, justice, beilin_ledger):
    response = login(staff_user).get(LIST + "?period=2020H2")
    assert _keys(response) == ["610103", "610113", f"unit:{justice.pk}"]
    statuses = {r.record.key: r.record.status for r in response.context["table"].rows}
    assert statuses == {"610103": "submitted", "610113": "draft", f"unit:{justice.pk}": "draft"}
    assert 'data-key="610113" data-status="draft" data-timeliness="overdue"' in response.content.decode()


def test_a_district_official_sees_their_own_row(login, beilin_user, beilin_ledger):
    response = login(beilin_user).get(LIST)
    assert response.context["period"].code == "2020H2"
    assert _keys(response) == ["610103"]
    assert response.context["own"].ledger == beilin_ledger


def test_report_export_is_scoped_and_says_late(login, yanta_user, beilin_ledger):
    response = login(yanta_user).get(LIST + "?_export=csv")
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    lines = list(csv.reader(io.StringIO(text)))
    assert len(lines) == 2 and lines[1][0] == "雁塔区"


# Submit and review ---------------------------------------------------------------------


def test_district_submits_with_a_note(login, beilin_user, beilin, recounted):
    client = login(beilin_user)
    assert client.get(SUBMIT).status_code == 200
    response = client.post(SUBMIT, {"period": "2020H2", "note": "已逐一核对"})
    assert response.status_code == 302 and response.url == LIST + "?period=2020H2"
    ledger = Ledger.objects.get()
    assert (ledger.area, ledger.status, ledger.note, ledger.submitted_by) == (
        beilin,
        "submitted",
        "已逐一核对",
        beilin_user,
    )


def test_submitting_twice_shows_the_reason(login, beilin_user, beilin_ledger):
    response = login(beilin_user).post(SUBMIT, {"period": "2020H2", "note": ""})
    assert response.status_code == 200 and response.context["form"].non_field_errors()


def test_staff_accept_return_and_reopen(login, staff_user, beilin_ledger):
    client = login(staff_user)
    url = _review(beilin_ledger)
    response = client.post(url, {"action": "return", "reason": ""})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert client.post(url, {"action": "return", "reason": "请补充"}).status_code == 302
    beilin_ledger.refresh_from_db()
    assert (beilin_ledger.status, beilin_ledger.return_reason) == ("returned", "请补充")

    Ledger.objects.filter(pk=beilin_ledger.pk).update(status="submitted")
    assert client.post(url, {"action": "accept"}).status_code == 302
    assert Snapshot.objects.get(scope="area", scope_key="610103").frozen
    assert 'data-frozen="yes"' in client.get(url).content.decode()
    assert client.post(url, {"action": "reopen", "reason": ""}).status_code == 302
    beilin_ledger.refresh_from_db()
    assert beilin_ledger.status == "draft"
    assert not Snapshot.objects.filter(frozen=True).exists()


# Import ---------------------------------------------------------------------------------


def test_district_upload_goes_to_its_own_area_whatever_the_form_says(login, beilin_user, beilin, yanta, recounted):
    client = login(beilin_user)
    assert "area" not in client.get(IMPORT).context["form"].fields
    response = client.post(IMPORT, {"period": "2020H2", "area": yanta.pk, "file": _upload(csv_bytes([row()]))})
    record = LedgerImport.objects.get()
    assert response.status_code == 302 and response.url == _preview(record)
    assert (record.area, record.supervising_unit, record.uploaded_by) == (beilin, None, beilin_user)


def test_staff_choose_the_area(login, staff_user, yanta, recounted):
    client = login(staff_user)
    content = csv_bytes([row(area="雁塔区", credit_code=code(division="610113"))])
    response = client.post(IMPORT, {"period": "2020H2", "file": _upload(content)})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    client.post(IMPORT, {"period": "2020H2", "area": yanta.pk, "file": _upload(content)})
    assert LedgerImport.objects.get().area == yanta


def test_preview_lists_problems_by_row_and_column_and_offers_no_import(
    login, beilin_user, recounted, post_running_tasks
):
    client = login(beilin_user)
    content = csv_bytes([row(), row(staff_count="-1"), row(area="雁塔区")])
    response = post_running_tasks(client, IMPORT, {"period": "2020H2", "file": _upload(content)}, follow=True)
    found = [(r.record.row, r.record.column, r.record.code) for r in response.context["table"].rows]
    assert found == [(3, "从业人员数", "staff_count_min_value"), (4, "登记区域", "area_scope")]
    html = response.content.decode()
    assert 'data-row="3" data-column="从业人员数" data-code="staff_count_min_value"' in html
    assert 'name="import"' not in html and not response.context["importable"]
    assert client.post(_preview(LedgerImport.objects.get())).status_code == 302
    assert LedgerImport.objects.get().status == LedgerImport.Status.REJECTED
    assert SocialOrganization.objects.count() == 8


def test_problem_export_is_neutralised(login, beilin_user, recounted, post_running_tasks):
    client = login(beilin_user)
    post_running_tasks(client, IMPORT, {"period": "2020H2", "file": _upload(csv_bytes([row(area="=HYPERLINK(1)")]))})
    response = client.get(_preview(LedgerImport.objects.get()) + "?_export=csv")
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    cells = [cell for line in csv.reader(io.StringIO(text)) for cell in line]
    assert any("HYPERLINK" in cell for cell in cells)
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_import_then_summary(login, beilin_user, recounted, post_running_tasks):
    client = login(beilin_user)
    post_running_tasks(client, IMPORT, {"period": "2020H2", "file": _upload(csv_bytes([row(), row()]))})
    record = LedgerImport.objects.get()
    response = client.get(_preview(record))
    assert response.context["importable"] and 'name="import"' in response.content.decode()
    response = post_running_tasks(client, _preview(record), follow=True)
    record.refresh_from_db()
    assert (record.status, record.created_count, record.updated_count, record.unchanged_count) == ("imported", 2, 0, 0)
    assert "data-created>2<" in response.content.decode()


def test_refused_files_say_why(login, beilin_user, recounted, post_running_tasks):
    client = login(beilin_user)
    response = post_running_tasks(
        client, IMPORT, {"period": "2020H2", "file": _upload(csv_bytes([row()]), "ledger.xlsx")}, follow=True
    )
    assert response.context["refused"].code == "not_xlsx"
    assert 'data-refused="not_xlsx"' in response.content.decode()


def test_oversize_and_wrong_type_uploads_are_refused_by_the_form(login, beilin_user, recounted):
    client = login(beilin_user)
    big = b"x" * (parsing.MAX_BYTES + 1)
    for upload in (_upload(big), _upload(b"MZ\x90\x00", "tool.exe")):
        response = client.post(IMPORT, {"period": "2020H2", "file": upload})
        assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not LedgerImport.objects.exists()


def test_templates_download(login, beilin_user, recounted):
    client = login(beilin_user)
    response = client.get(TEMPLATE)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert next(sheet.iter_rows(values_only=True)) == columns.HEADERS
    response = client.get(TEMPLATE + "?format=csv")
    assert response["Content-Type"].startswith("text/csv") and response.content.startswith(b"\xef\xbb\xbf")
