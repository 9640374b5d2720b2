"""No table is a header over nothing: every empty table of every list page
says why in words (templates/ui/table.html), for each role."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from .pages import argumentless_pages

pytestmark = pytest.mark.django_db

EMPTY_ROW = re.compile(r'<tr class="empty"><td colspan="\d+"><span>([^<]+)</span></td></tr>')
EMPTY_BODY = re.compile(r"<tbody[^>]*>\s*</tbody>")


@pytest.mark.parametrize("role", ["staff_user", "beilin_user", "lawyers_user"])
def test_every_empty_table_says_why(request, login, dataset, role):
    # Not recounted: the overview, the ledgers and the change lists are empty.
    client = login(request.getfixturevalue(role))
    explained = 0
    for path in argumentless_pages():
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        html = response.content.decode()
        # A page may say so instead of drawing the table; it never draws a header over nothing.
        assert not EMPTY_BODY.search(html), path
        found = EMPTY_ROW.findall(html)
        assert all(text.strip() for text in found), path
        explained += bool(found)
    assert explained >= 3


def test_a_filtered_list_with_nothing_matching_says_so(login, beilin_user, dataset):
    page = login(beilin_user).get(
        reverse("organizations:organization-list"), {"q": "不存在的组织"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert EMPTY_ROW.findall(page.content.decode()) == [
        "暂无记录：您的管辖范围内没有符合条件的记录。如上方设置了筛选条件，可清除或放宽后再查看。"
    ]
