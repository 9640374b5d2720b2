"""Large XLSX exports run as a job: it re-reads the list with its asker's
filters and scope, records its progress, hands the file to its asker only,
and is deleted after its time."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from exports import services
from exports.models import ExportJob
from exports.tasks import exports_expire
from organizations.models import SocialOrganization
from organizations.tests.factories import SocialOrganizationFactory
from ui.views import SafeExportMixin
from xian_partybuild.celery import app

pytestmark = pytest.mark.django_db

LIST = reverse("organizations:organization-list")


@pytest.fixture
def small_direct_limit(monkeypatch):
    """Exports over 2 rows become jobs, so that a handful of rows exercise the job."""
    monkeypatch.setattr(SafeExportMixin, "xlsx_direct_max_rows", 2)


def _sheet_rows(content: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.values)


def _ask(client, query: str, callbacks) -> ExportJob:
    with callbacks(execute=False) as queued:
        response = client.get(f"{LIST}?{query}")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == ExportJob.Status.QUEUED and len(queued) == 1
    return job


def _run(callbacks, client, query: str) -> ExportJob:
    with callbacks(execute=True):
        client.get(f"{LIST}?{query}")
    return ExportJob.objects.get()


def test_a_large_xlsx_becomes_a_job_that_writes_exactly_the_filtered_scoped_rows(
    login, beilin_user, dataset, yanta, small_direct_limit, django_capture_on_commit_callbacks
):
    SocialOrganizationFactory.create_batch(3, area=yanta, category=SocialOrganization.Category.SOCIAL_GROUP)
    client = login(beilin_user)
    query = "category=social_group&sort=-name&_export=xlsx"
    job = _run(django_capture_on_commit_callbacks, client, query)
    assert job.status == ExportJob.Status.SUCCEEDED, job.error
    assert job.user == beilin_user and job.path == LIST and job.filename == "social-organisations.xlsx"
    expected = ["H 协会（已注销）", "F 协会", "E 协会", "B 协会", "A 协会"]
    assert job.rows_total == job.rows_written == len(expected)
    assert job.expires_at - job.created_at == dt.timedelta(hours=24)

    response = client.get(reverse("exports:job-download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="social-organisations.xlsx"'
    rows = _sheet_rows(b"".join(response.streaming_content))
    assert [row[0] for row in rows[1:]] == expected
    # The same cells as the direct export of the same list.
    direct = SafeExportMixin.xlsx_direct_max_rows
    SafeExportMixin.xlsx_direct_max_rows = 10_000
    try:
        assert _sheet_rows(client.get(f"{LIST}?{query}").content) == rows
    finally:
        SafeExportMixin.xlsx_direct_max_rows = direct


def test_the_status_page_and_its_json_follow_the_job(
    login, staff_user, dataset, small_direct_limit, django_capture_on_commit_callbacks
):
    client = login(staff_user)
    job = _ask(client, "_export=xlsx", django_capture_on_commit_callbacks)
    detail = client.get(job.get_absolute_url())
    assert detail.status_code == 200
    html = detail.content.decode()
    assert 'data-job-state="queued"' in html and "js/exports.js" in html and "<script>" not in html
    assert 'href="/organizations/"' in html  # back to the list as it was filtered
    status = client.get(reverse("exports:job-status", args=[job.pk])).json()
    assert status["status"] == "queued" and status["percent"] == 0 and status["download_url"] is None

    services.export_job_run(job_id=str(job.pk))
    status = client.get(reverse("exports:job-status", args=[job.pk])).json()
    total = SocialOrganization.objects.count()
    assert status["status"] == "succeeded"
    assert (status["rows_written"], status["rows_total"], status["percent"]) == (total, total, 100)
    assert status["download_url"] == reverse("exports:job-download", args=[job.pk])
    assert status["download_url"] in client.get(job.get_absolute_url()).content.decode()
    assert job.get_absolute_url() in client.get(reverse("exports:job-list")).content.decode()


def test_progress_is_recorded_as_rows_are_written(login, staff_user, beilin, small_direct_limit, monkeypatch):
    SocialOrganizationFactory.create_batch(7, area=beilin)
    monkeypatch.setattr(services, "PROGRESS_EVERY", 2)
    job = services.export_job_start(
        user=staff_user, path=LIST, query="_export=xlsx", filename="social-organisations.xlsx", language="zh-hans"
    )
    with CaptureQueriesContext(connection) as queries:
        services.export_job_run(job_id=str(job.pk))
    progress = [q["sql"] for q in queries.captured_queries if "rows_written" in q["sql"] and "UPDATE" in q["sql"]]
    # Every 2 rows (2, 4, 6), once all 7 are written, and the job's end.
    assert len(progress) == 5
    job.refresh_from_db()
    assert (job.status, job.rows_written, job.rows_total) == (ExportJob.Status.SUCCEEDED, 7, 7)


def test_another_user_gets_404_for_every_page_of_the_job(
    login, beilin_user, yanta_user, staff_user, dataset, small_direct_limit, django_capture_on_commit_callbacks
):
    job = _run(django_capture_on_commit_callbacks, login(beilin_user), "_export=xlsx")
    assert job.status == ExportJob.Status.SUCCEEDED
    for other in (yanta_user, staff_user):
        client = login(other)
        for name in ("job-detail", "job-status", "job-download"):
            assert client.get(reverse(f"exports:{name}", args=[job.pk])).status_code == 404
        assert str(job.pk) not in client.get(reverse("exports:job-list")).content.decode()
    client.logout()
    response = client.get(reverse("exports:job-download", args=[job.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_asking_twice_while_it_runs_gives_the_same_job(
    login, staff_user, dataset, small_direct_limit, django_capture_on_commit_callbacks
):
    client = login(staff_user)
    first = _ask(client, "_export=xlsx", django_capture_on_commit_callbacks)
    again = client.get(f"{LIST}?_export=xlsx")
    assert again["Location"] == first.get_absolute_url()
    assert ExportJob.objects.count() == 1
    # A different filter is a different export.
    client.get(f"{LIST}?status=active&_export=xlsx")
    assert ExportJob.objects.count() == 2


def test_a_job_over_the_sheet_limit_fails_with_a_message_in_chinese(
    login, staff_user, dataset, small_direct_limit, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(SafeExportMixin, "xlsx_max_rows", 3)
    client = login(staff_user)
    job = _run(django_capture_on_commit_callbacks, client, "_export=xlsx")
    total = SocialOrganization.objects.count()
    assert job.status == ExportJob.Status.FAILED and not job.file
    assert job.rows_total == total and job.rows_written == 0
    assert f"{total} 行" in job.error and "3 行" in job.error and "CSV" in job.error
    status = client.get(reverse("exports:job-status", args=[job.pk])).json()
    assert status["status"] == "failed" and status["text"] == job.error
    assert client.get(reverse("exports:job-download", args=[job.pk])).status_code == 404


def test_a_list_no_longer_reachable_fails_the_job(staff_user, db):
    job = services.export_job_start(
        user=staff_user, path="/no-such-list/", query="_export=xlsx", filename="x.xlsx", language="zh-hans"
    )
    services.export_job_run(job_id=str(job.pk))
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.error


def test_a_job_runs_once(staff_user, dataset, small_direct_limit):
    job = services.export_job_start(
        user=staff_user, path=LIST, query="_export=xlsx", filename="social-organisations.xlsx", language="zh-hans"
    )
    services.export_job_run(job_id=str(job.pk))
    job.refresh_from_db()
    name = job.file.name
    # A redelivered message finds the job taken and writes nothing.
    services.export_job_run(job_id=str(job.pk))
    job.refresh_from_db()
    assert job.file.name == name and job.status == ExportJob.Status.SUCCEEDED


def test_the_expiry_task_deletes_old_files_and_fails_dead_jobs(
    login, staff_user, dataset, small_direct_limit, django_capture_on_commit_callbacks
):
    job = _run(django_capture_on_commit_callbacks, login(staff_user), "_export=xlsx")
    name = job.file.name
    assert default_storage.exists(name)
    assert exports_expire() == 0
    assert ExportJob.objects.filter(pk=job.pk).exists()

    now = timezone.now()
    dead = ExportJob.objects.create(
        user=staff_user,
        path=LIST,
        query="status=active&_export=xlsx",
        key="dead",
        language="zh-hans",
        filename="dead.xlsx",
        status=ExportJob.Status.RUNNING,
        created_at=now - dt.timedelta(hours=3),
        expires_at=now + dt.timedelta(hours=21),
    )
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=now - dt.timedelta(hours=24, seconds=1), expires_at=now - dt.timedelta(seconds=1)
    )
    assert exports_expire() == 1
    assert not ExportJob.objects.filter(pk=job.pk).exists()
    assert not default_storage.exists(name)
    dead.refresh_from_db()
    assert dead.status == ExportJob.Status.FAILED


def test_expiry_runs_hourly_from_the_beat_schedule():
    [entry] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "exports.tasks.exports_expire"]
    assert entry["task"] in app.tasks
    assert services.EXPORT_TASK in app.tasks


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_job_fails_at_once_and_says_why(login, staff_user, dataset, broker_down):
    client = login(staff_user)
    job = services.export_job_start(
        user=staff_user, path=LIST, query="_export=xlsx", filename="social-organisations.xlsx", language="zh-hans"
    )
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    status = client.get(reverse("exports:job-status", args=[job.pk])).json()
    assert status["status"] == "failed" and status["text"] == "任务队列无法连接，请稍后再试，或告知系统管理员。"
    # Not left queued: asking again makes a new job instead of answering with the dead one.
    again = services.export_job_start(
        user=staff_user, path=LIST, query="_export=xlsx", filename="social-organisations.xlsx", language="zh-hans"
    )
    assert again.pk != job.pk
