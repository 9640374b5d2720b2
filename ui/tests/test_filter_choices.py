"""No list filter offers "---------" or "未知" for "any": every empty
choice reads 全部 and yes/no filters read 全部/是/否 (ui.filters.FilterSet)."""

import re

from .pages import argumentless_pages

OPTION = re.compile(r"<option[^>]*>(.*?)</option>", re.S)
# The filter and picker forms of a page (a record's form may well ask to choose one).
GET_FORM = re.compile(r'<form method="get".*?</form>', re.S)


def test_no_filter_choice_reads_dashes_or_unknown(login, staff_user, recounted):
    client = login(staff_user)
    pages = argumentless_pages()
    read, bad = 0, []
    for path in pages:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        read += 1
        options = [text for form in GET_FORM.findall(response.content.decode()) for text in OPTION.findall(form)]
        for text in options:
            if text.strip() in ("---------", "未知", "Unknown"):
                bad.append((path, text.strip()))
    assert read >= 10, pages
    assert not bad, bad


def test_yes_no_filters_read_all_yes_no(login, staff_user, dataset):
    page = login(staff_user).get("/organizations/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    select = re.search(r'<select name="must_establish_not_established".*?</select>', page, re.S).group(0)
    assert [t.strip() for t in OPTION.findall(select)] == ["全部", "是", "否"]
