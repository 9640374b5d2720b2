"""With the broker down, an upload and an import say so at once and write
nothing, instead of a 500 or a page that says "being checked" for ever (issue 13)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coverage.models import LedgerImport, LedgerImportProblem
from coverage.recount import services as recount
from coverage.tests.ledgers.files import csv_bytes, preview, row
from organizations.models import SocialOrganization

# Transactional: the message is sent when the service's transaction commits, before the view answers.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def recounted_2020h2(beilin):
    recount.recount_run(period="2020H2")


def test_an_upload_with_the_broker_down_is_refused_with_the_reason(login, beilin_user, recounted_2020h2, broker_down):
    client = login(beilin_user)
    upload = SimpleUploadedFile("ledger.csv", csv_bytes([row(), row()]), content_type="text/csv")
    response = client.post(reverse("coverage:ledger-import"), {"period": "2020H2", "file": upload})
    assert response.status_code == 302
    record = LedgerImport.objects.get()
    assert (record.status, record.error_count) == (LedgerImport.Status.REJECTED, 1)
    assert list(LedgerImportProblem.objects.values_list("code", flat=True)) == ["check_not_queued"]
    page = client.get(response.url).content.decode()
    assert "任务队列无法连接，文件暂时无法校验。请稍后重新上传" in page
    assert not SocialOrganization.objects.exists()


def test_an_import_with_the_broker_down_returns_the_file_to_checked(login, beilin_user, recounted_2020h2, broker_down):
    client = login(beilin_user)
    record, _result = preview(beilin_user, csv_bytes([row()]))
    url = reverse("coverage:ledger-import-preview", args=[record.pk])
    response = client.post(url)
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.failure) == (LedgerImport.Status.PREVIEWED, "import_not_queued")
    html = client.get(url).content.decode()
    assert "任务队列无法连接，导入未能开始，未写入任何数据" in html and 'name="import"' in html
    assert not SocialOrganization.objects.exists()
