import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import SocialOrganization
from organizations.tables import PartyOrganizationTable, SocialOrganizationTable
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("organizations:organization-list")
PARTY_LIST = reverse("organizations:party-organization-list")


def _names(response):
    return {row.record.name for row in response.context["table"].page.object_list}


def _csv_rows(response):
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_anonymous_users_are_sent_to_login(client, dataset):
    for url in (LIST, PARTY_LIST, reverse("organizations:organization-detail", args=[dataset.a.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_district_official_lists_only_their_district(login, beilin_user, dataset):
    response = login(beilin_user).get(LIST)
    assert response.status_code == 200
    assert _names(response) == {"A 协会", "B 协会", "C 服务中心", "D 基金会", "E 协会", "F 协会", "H 协会（已注销）"}


def test_industry_user_sees_their_industry_across_districts(login, lawyers_user, dataset, beilin):
    law_in_beilin = SocialOrganizationFactory(
        name="碑林律所",
        area=beilin,
        supervising_unit=dataset.g.supervising_unit,
        category=SocialOrganization.Category.LAW_FIRM,
    )
    response = login(lawyers_user).get(LIST)
    assert _names(response) == {"G 律师事务所", law_in_beilin.name}


def test_citywide_users_see_everything(login, staff_user, leader_user, dataset):
    for user in (staff_user, leader_user):
        response = login(user).get(LIST + "?per_page=100")
        assert len(_names(response)) == 8


@pytest.mark.parametrize("name", ["organization-detail", "organization-update"])
def test_other_districts_records_are_404(login, yanta_user, dataset, name):
    client = login(yanta_user)
    assert client.get(reverse(f"organizations:{name}", args=[dataset.a.pk])).status_code == 404
    assert client.get(reverse(f"organizations:{name}", args=[dataset.g.pk])).status_code == 200


@pytest.mark.parametrize("name", ["party-organization-detail", "party-organization-update"])
def test_other_districts_party_organisations_are_404(login, yanta_user, beilin_user, dataset, name):
    url = reverse(f"organizations:{name}", args=[dataset.p_a.pk])
    assert login(yanta_user).get(url).status_code == 404
    assert login(beilin_user).get(url).status_code == 200


def test_industry_user_cannot_open_a_district_record(login, lawyers_user, dataset):
    assert login(lawyers_user).get(reverse("organizations:organization-detail", args=[dataset.a.pk])).status_code == 404


def test_post_to_another_districts_edit_url_changes_nothing(login, yanta_user, dataset):
    url = reverse("organizations:organization-update", args=[dataset.a.pk])
    response = login(yanta_user).post(url, {"name": "被篡改"})
    assert response.status_code == 404
    dataset.a.refresh_from_db()
    assert dataset.a.name == "A 协会"


def test_csv_export_holds_only_the_users_filtered_rows(login, beilin_user, dataset):
    response = login(beilin_user).get(LIST + "?category=social_group&_export=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    names = {r[0] for r in rows[1:]}
    assert names == {"A 协会", "B 协会", "E 协会", "F 协会", "H 协会（已注销）"}
    assert "G 律师事务所" not in names


def test_xlsx_export_is_scoped(login, yanta_user, dataset):
    response = login(yanta_user).get(LIST + "?_export=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(
        io.BytesIO(
            b"".join(response.streaming_content) if response.streaming else io.BytesIO(response.content).getvalue()
        )
    ).active
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == ["G 律师事务所"]


def test_export_neutralises_formulas(login, staff_user, beilin):
    SocialOrganizationFactory(name='=HYPERLINK("http://x")', area=beilin)
    rows = _csv_rows(login(staff_user).get(LIST + "?_export=csv"))
    assert rows[1][0] == '\'=HYPERLINK("http://x")'


def test_party_export_is_scoped(login, beilin_user, dataset):
    rows = _csv_rows(login(beilin_user).get(PARTY_LIST + "?_export=csv"))
    assert {r[0] for r in rows[1:]} == {"A 协会党支部", "B、C 联合党支部", "F 协会党支部（已撤销）", "H 协会党支部"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=服务中心", {"C 服务中心"}),
        ("coverage=work_only", {"D 基金会"}),
        ("coverage=uncovered&status=active", {"E 协会", "F 协会"}),
        ("must_establish_not_established=true", {"C 服务中心"}),
        ("category=foundation", {"D 基金会"}),
        ("status=deregistered", {"H 协会（已注销）"}),
    ],
)
def test_filters(login, beilin_user, dataset, query, expected):
    assert _names(login(beilin_user).get(f"{LIST}?{query}")) == expected


def test_search_by_credit_code(login, beilin_user, dataset):
    assert _names(login(beilin_user).get(f"{LIST}?q={dataset.c.credit_code.lower()}")) == {"C 服务中心"}


def test_area_filter_offers_only_the_users_areas(login, beilin_user, dataset):
    response = login(beilin_user).get(LIST)
    choices = [label for _value, label in response.context["filter"].form.fields["area"].choices if _value]
    assert choices == ["碑林区"]


def test_area_filter_cannot_widen_scope(login, beilin_user, dataset, yanta):
    response = login(beilin_user).get(f"{LIST}?area={yanta.pk}")
    assert _names(response) == set()


def test_search_cannot_reach_another_districts_records(login, beilin_user, dataset):
    # A path that does not depend on the filter's choices: only for_user() keeps G out.
    client = login(beilin_user)
    assert _names(client.get(f"{LIST}?q=律师事务所")) == set()
    assert _names(client.get(f"{LIST}?q={dataset.g.credit_code}")) == set()
    rows = _csv_rows(client.get(f"{LIST}?q=G 律师&_export=csv"))
    assert rows[1:] == []


def _make_orgs(area, n):
    orgs = SocialOrganizationFactory.create_batch(n, area=area, formal_party_members=3)
    for org in orgs[::2]:
        PartyOrganizationFactory(area=area, organizations=[org])


@pytest.mark.parametrize("per_page", [25, 100])
def test_list_query_count_does_not_grow_with_page_size(login, staff_user, beilin, per_page, django_assert_num_queries):
    _make_orgs(beilin, 120)
    client = login(staff_user)
    # session, user, count, page of rows, area and unit filter choices
    with django_assert_num_queries(6):
        response = client.get(f"{LIST}?per_page={per_page}")
    assert len(response.context["table"].page.object_list) == per_page


@pytest.mark.parametrize("per_page", [25, 100])
def test_party_list_query_count_does_not_grow(login, staff_user, beilin, per_page, django_assert_num_queries):
    _make_orgs(beilin, 220)
    client = login(staff_user)
    with django_assert_num_queries(6):
        response = client.get(f"{PARTY_LIST}?per_page={per_page}")
    assert len(response.context["table"].page.object_list) == per_page


@pytest.mark.parametrize(
    ("query", "queries"),
    [
        # As for today's list: the half-year changes the rows' conditions, not the number of queries.
        ("period=2020H1", 6),
        # A figure's link: the chosen area is looked up to validate it, and the
        # areas of its subtree that hold organisations are listed (two queries more).
        ("period=2020H1&area={area}&coverage=work", 8),
        ("period=2020H2&registration_area={area}&must_establish_not_established=true", 8),
    ],
)
def test_list_as_of_a_half_year_keeps_its_query_count(
    login, staff_user, beilin, query, queries, django_assert_num_queries
):
    client = login(staff_user)
    url = f"{LIST}?per_page=100&{query.format(area=beilin.pk)}"
    _make_orgs(beilin, 10)
    with django_assert_num_queries(queries):
        client.get(url)
    _make_orgs(beilin, 120)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.context["as_of"] is not None


def test_party_list_as_of_a_half_year_keeps_its_query_count(login, staff_user, beilin, django_assert_num_queries):
    client = login(staff_user)
    _make_orgs(beilin, 10)
    with django_assert_num_queries(6):
        client.get(f"{PARTY_LIST}?per_page=100&period=2020H2")
    _make_orgs(beilin, 220)
    with django_assert_num_queries(6):
        response = client.get(f"{PARTY_LIST}?per_page=100&period=2020H2")
    assert len(response.context["table"].page.object_list) == 100


def test_list_as_of_a_half_year_says_so(login, staff_user, dataset):
    client = login(staff_user)
    page = client.get(f"{LIST}?period=2020H1").content.decode()
    assert 'data-as-of="2020-06-30"' in page and '<input type="hidden" name="period" value="2020H1">' in page
    assert "截至 2020-06-30" in page
    # Deregistered on 1 March 2020: not in the list as of 30 June.
    assert "H 协会（已注销）" not in _names(client.get(f"{LIST}?period=2020H1"))
    assert "data-as-of" not in client.get(LIST).content.decode()


def test_detail_states_coverage_in_words(login, beilin_user, dataset):
    client = login(beilin_user)
    page = client.get(reverse("organizations:organization-detail", args=[dataset.c.pk])).content.decode()
    assert "B、C 联合党支部" in page and 'data-coverage="organisational"' in page
    page = client.get(reverse("organizations:organization-detail", args=[dataset.d.pk])).content.decode()
    assert 'data-coverage="work_only"' in page and "李指导员" in page


def test_party_detail_lists_covered_organisations(login, beilin_user, dataset):
    page = login(beilin_user).get(reverse("organizations:party-organization-detail", args=[dataset.joint.pk]))
    assert {o.name for o in page.context["object"].organizations.all()} == {"B 协会", "C 服务中心"}
    assert "B 协会" in page.content.decode()


# Lists at scale: sorts an index serves, search of any length, per-page counts.
def _orderable(table_class) -> set[str]:
    return {column.name for column in table_class([]).columns if column.orderable}


def test_lists_sort_only_by_what_an_index_serves():
    assert _orderable(SocialOrganizationTable) == {
        "name",
        "credit_code",
        "category",
        "coverage_state",
        "must_establish_not_established",
        "status",
    }
    assert _orderable(PartyOrganizationTable) == {"name", "established_on", "term_due_on", "last_activity_on", "status"}


def test_a_sort_not_offered_is_ignored(login, beilin_user, dataset):
    response = login(beilin_user).get(LIST, {"sort": "responsible_body"})
    names = [row.record.name for row in response.context["table"].page.object_list]
    assert names == sorted(names)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("协", {"A 协会", "B 协会", "E 协会", "F 协会", "H 协会（已注销）"}),
        ("服务", {"C 服务中心"}),
        ("基金会", {"D 基金会"}),
        ("e 协", {"E 协会"}),
    ],
)
def test_search_of_any_length_finds_chinese_names(login, beilin_user, dataset, query, expected):
    assert _names(login(beilin_user).get(LIST, {"q": query})) == expected


def _covered(response) -> dict[str, int]:
    return {row.record.name: row.record.covered_count for row in response.context["table"].page.object_list}


def test_party_list_counts_the_covered_organisations_of_its_page_only(login, beilin_user, dataset):
    client = login(beilin_user)
    with CaptureQueriesContext(connection) as queries:
        today = _covered(client.get(PARTY_LIST))
    assert today == {"A 协会党支部": 1, "B、C 联合党支部": 2, "F 协会党支部（已撤销）": 1, "H 协会党支部": 1}
    # A correlated count per row of the page, no GROUP BY over the whole table.
    assert not any("GROUP BY" in q["sql"] for q in queries.captured_queries)
    # As of 2020H2: F's branch was dissolved, H deregistered (its branch then covered none).
    as_of = _covered(client.get(PARTY_LIST, {"period": "2020H2"}))
    assert as_of == {"A 协会党支部": 1, "B、C 联合党支部": 2, "H 协会党支部": 0}


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (LIST, {}),
        (LIST, {"q": "测试"}),
        (LIST, {"q": "测", "coverage": "organisational", "sort": "-name"}),
        (PARTY_LIST, {}),
        (PARTY_LIST, {"q": "党支部", "sort": "term_due_on"}),
    ],
)
def test_a_district_officials_list_costs_the_same_queries_whatever_it_holds(
    login, beilin_user, beilin, url, params, django_assert_num_queries
):
    client = login(beilin_user)
    _make_orgs(beilin, 5)
    with CaptureQueriesContext(connection) as few:
        client.get(url, params)
    _make_orgs(beilin, 60)
    # session, user, the user's area, the areas of it holding rows, count, area and unit choices, page
    assert len(few) == 8
    with django_assert_num_queries(8):
        response = client.get(url, params)
    assert response.status_code == 200


def test_must_establish_export_names_the_party_building_contact_and_phone(login, beilin_user, dataset):
    # The 应建未建 list (the figure's link) exported: who to call, and the number.
    SocialOrganization.objects.filter(pk=dataset.c.pk).update(setup_contact="王五", setup_contact_phone="13800000000")
    client = login(beilin_user)
    page = client.get(LIST + "?must_establish_not_established=true", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert _names(page) == {"C 服务中心"}
    # Export-only columns: the page's table stays as wide as it was.
    assert "13800000000" not in page.content.decode()
    rows = _csv_rows(
        client.get(LIST + "?must_establish_not_established=true&_export=csv", HTTP_ACCEPT_LANGUAGE="zh-hans")
    )
    header = [cell.lstrip("\ufeff") for cell in rows[0]]
    assert header[-2:] == ["党建联络人", "联系电话"]
    assert [row[0] for row in rows[1:]] == ["C 服务中心"]
    assert rows[1][-2:] == ["王五", "13800000000"]
