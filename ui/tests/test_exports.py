"""Exports stream: CSV row by row with a byte-order mark, XLSX write-only,
with exactly the rows, headers and values the old in-memory export gave."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django_tables2.export import TableExport

from coverage.ledgers import services as ledgers
from coverage.warnings.scan import warning_scan
from exports.models import ExportJob
from organizations.models import SocialOrganization
from organizations.tests.factories import SocialOrganizationFactory
from ui.exports import BOM, neutralise
from ui.views import SafeExportMixin

pytestmark = pytest.mark.django_db

LIST = reverse("organizations:organization-list")
PARTY_LIST = reverse("organizations:party-organization-list")


class OldExport(TableExport):
    """The export as it was before it streamed (tablib in memory, formulas
    neutralised), kept here as the reference the new one must reproduce."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        cleaned = [tuple(neutralise(v) for v in row) for row in dataset]
        headers = dataset.headers
        dataset.wipe()
        dataset.headers = headers
        for row in cleaned:
            dataset.append(row)
        return dataset


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))


def _sheet(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def _page_and_export(client, url: str, export_format: str):
    """The page's own table (as the old export read it) and the new export of the same URL."""
    page = client.get(url)
    assert page.status_code == 200
    separator = "&" if "?" in url else "?"
    return page.context["table"], client.get(f"{url}{separator}_export={export_format}")


@pytest.fixture
def with_formula(beilin):
    return SocialOrganizationFactory(name='=HYPERLINK("http://x")', area=beilin)


@pytest.fixture
def ledger_submitted(recounted, beilin_user):
    ledgers.ledger_submit(actor=beilin_user, period="2020H2", note="已核对")
    warning_scan()


EXPORTED_LISTS = [
    ("beilin_user", f"{LIST}?category=social_group&sort=-name"),
    ("staff_user", f"{LIST}?sort=area"),
    ("lawyers_user", LIST),
    ("beilin_user", PARTY_LIST),
    ("staff_user", f"{reverse('organizations:organization-list')}?period=2020H1"),
    ("beilin_user", reverse("coverage:warning-list")),
    # Views that are not ScopedListViews use the same mixin.
    ("staff_user", f"{reverse('coverage:overview')}?period=2020H2"),
    ("lawyers_user", f"{reverse('coverage:overview')}?period=2020H2&by=unit"),
    ("staff_user", f"{reverse('coverage:changes')}?period=2020H1&kind=deregistered"),
    ("staff_user", f"{reverse('coverage:ledger-list')}?period=2020H2"),
]


@pytest.mark.parametrize(("role", "url"), EXPORTED_LISTS)
def test_csv_streams_the_old_exports_rows_after_a_byte_order_mark(
    request, login, recounted, ledger_submitted, with_formula, role, url
):
    table, response = _page_and_export(login(request.getfixturevalue(role)), url, "csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    body = _body(response)
    assert body.startswith(b"\xef\xbb\xbf")
    old = OldExport("csv", table).export()
    assert body.decode("utf-8") == BOM + old
    assert len(old.splitlines()) > 1


@pytest.mark.parametrize(("role", "url"), EXPORTED_LISTS)
def test_small_xlsx_answers_directly_with_the_old_exports_cells(
    request, login, recounted, ledger_submitted, with_formula, role, url
):
    table, response = _page_and_export(login(request.getfixturevalue(role)), url, "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == TableExport.FORMATS["xlsx"]
    new, old = _sheet(_body(response)), _sheet(OldExport("xlsx", table).export())
    assert list(new.values) == list(old.values)
    assert new.title == old.title
    assert new.freeze_panes == "A2"
    assert all(cell.font.bold for cell in new[1])
    assert not ExportJob.objects.exists()


def test_export_neutralises_formulas(login, staff_user, with_formula):
    rows = _csv_rows(login(staff_user).get(LIST + "?_export=csv"))
    assert [row[0] for row in rows[1:] if "HYPERLINK" in row[0]] == ['\'=HYPERLINK("http://x")']
    cells = [row[0] for row in _sheet(_body(login(staff_user).get(LIST + "?_export=xlsx"))).values]
    assert '\'=HYPERLINK("http://x")' in cells


def test_a_district_officials_export_holds_only_their_district(login, beilin_user, dataset, beilin, yanta):
    SocialOrganizationFactory.create_batch(3, area=yanta)
    rows = _csv_rows(login(beilin_user).get(LIST + "?_export=csv"))
    area = 3  # name, credit code, category, area
    assert {row[area] for row in rows[1:]} == {"碑林区"}
    assert len(rows) - 1 == SocialOrganization.objects.filter(area=beilin).count()


def test_the_export_takes_every_filtered_row_whatever_the_page(login, staff_user, beilin):
    SocialOrganizationFactory.create_batch(60, area=beilin)
    rows = _csv_rows(login(staff_user).get(LIST + "?per_page=25&page=2&_export=csv"))
    assert len(rows) - 1 == 60


def test_an_unknown_export_format_shows_the_page(login, staff_user, dataset):
    response = login(staff_user).get(LIST + "?_export=json")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("rows", [5, 50])
def test_csv_query_count_does_not_grow_with_the_rows(login, staff_user, beilin, rows, django_assert_num_queries):
    SocialOrganizationFactory.create_batch(rows, area=beilin)
    client = login(staff_user)
    # Session and user, then the rows through one cursor inside a transaction
    # (a savepoint in a test): begin, select, commit; then the audit log's entry.
    with django_assert_num_queries(6):
        body = _csv_rows(client.get(LIST + "?_export=csv"))
    assert len(body) - 1 == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_xlsx_query_count_does_not_grow_with_the_rows(login, staff_user, beilin, rows, django_assert_num_queries):
    SocialOrganizationFactory.create_batch(rows, area=beilin)
    client = login(staff_user)
    # The same, and one bounded count: "more than xlsx_direct_max_rows?".
    with django_assert_num_queries(7):
        sheet = _sheet(_body(client.get(LIST + "?_export=xlsx")))
    assert sheet.max_row - 1 == rows


def test_xlsx_over_the_sheet_limit_is_refused_with_a_message(login, staff_user, beilin, monkeypatch):
    monkeypatch.setattr(SafeExportMixin, "xlsx_max_rows", 3)
    SocialOrganizationFactory.create_batch(5, area=beilin)
    response = login(staff_user).get(LIST + "?category=social_group&_export=xlsx")
    assert response.status_code == 302
    assert response["Location"] == LIST + "?category=social_group"
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "5 行" in message and "3 行" in message and "CSV" in message
    assert not ExportJob.objects.exists()
