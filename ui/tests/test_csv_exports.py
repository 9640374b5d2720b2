"""Every CSV the app writes opens in Excel on Chinese Windows by double-click:
UTF-8 after a byte-order mark (without one, Excel reads GBK and garbles every
Chinese character), and still a CSV that any reader parses."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import resolve, reverse

from ui.views import SafeExportMixin

from .pages import argumentless_pages

pytestmark = pytest.mark.django_db

UTF8_BOM = b"\xef\xbb\xbf"


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def exported_lists() -> list[str]:
    """Every argument-less page whose view offers the table's export."""
    pages = []
    for path in argumentless_pages():
        view_class = getattr(resolve(path).func, "view_class", None)
        if view_class is not None and issubclass(view_class, SafeExportMixin):
            pages.append(path)
    return pages


def test_the_exported_lists_are_found():
    # The walk below must not pass by finding nothing.
    assert {reverse("organizations:organization-list"), reverse("coverage:overview")} <= set(exported_lists())


@pytest.mark.parametrize("role", ["staff_user", "beilin_user", "lawyers_user"])
def test_every_list_export_starts_with_a_bom_and_parses(request, login, recounted, role):
    client = login(request.getfixturevalue(role))
    checked = 0
    for path in exported_lists():
        page = client.get(path)
        if page.status_code != 200 or "table" not in (page.context or {}):
            continue  # a list this role may not open
        response = client.get(path, {"_export": "csv"})
        assert response.status_code == 200, path
        body = _body(response)
        assert body.startswith(UTF8_BOM), path
        rows = list(csv.reader(io.StringIO(body[len(UTF8_BOM) :].decode("utf-8"), newline="")))
        table = page.context["table"]
        headers = [str(column.header) for column in table.columns if not column.column.exclude_from_export]
        # The header row is the table's headers (hidden export-only columns may follow).
        assert rows and set(headers) <= set(rows[0]), path
        assert all(len(row) == len(rows[0]) for row in rows), path
        checked += 1
    assert checked >= 5


def test_ledger_template_csv_starts_with_a_bom_and_parses(login, beilin_user):
    response = login(beilin_user).get(reverse("coverage:ledger-import-template"), {"format": "csv"})
    assert response.status_code == 200
    body = _body(response)
    assert body.startswith(UTF8_BOM)
    rows = list(csv.reader(io.StringIO(body[len(UTF8_BOM) :].decode("utf-8"), newline="")))
    assert "党建联络人" in rows[0] and len(rows) >= 2
