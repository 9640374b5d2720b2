"""The one paginator of every list page: counts no further than its cap, pages
no further than its cap, and turns any page or page size into a sensible one."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import SocialOrganization
from organizations.tests.factories import SocialOrganizationFactory
from ui.pagination import PAGE_SIZES, ROW_CAP, CappedPaginator, page_size

LIST = reverse("organizations:organization-list")


@pytest.mark.parametrize(
    ("requested", "size"),
    [
        ("25", 25),
        ("50", 50),
        (100, 100),
        ("75", 50),  # between two sizes: the smaller one
        ("1000", 100),
        (10**30, 100),
        ("0", 25),
        ("-1", 25),
        ("abc", 25),
        ("", 25),
        (None, 25),
        (float("inf"), 25),
    ],
)
def test_page_size_is_one_of_the_allowed(requested, size):
    assert page_size(requested) == size
    assert size in PAGE_SIZES


def test_under_the_cap_the_count_is_exact():
    paginator = CappedPaginator(list(range(60)), 25, cap=60)
    assert (paginator.count, paginator.more_than_cap, paginator.num_pages) == (60, False, 3)
    assert list(paginator.page(3).object_list) == list(range(50, 60))


def test_over_the_cap_pages_stop_at_the_cap():
    paginator = CappedPaginator(list(range(80)), 25, cap=60)
    assert (paginator.counted, paginator.count, paginator.more_than_cap, paginator.num_pages) == (61, 60, True, 3)
    # The last page ends at the cap, not at the last row.
    assert list(paginator.page(3).object_list) == list(range(50, 60))


@pytest.mark.parametrize(("number", "shown"), [(0, 1), (-1, 1), ("abc", 1), (None, 1), (2, 2), (99, 3), (10**30, 3)])
def test_any_page_number_gives_a_page(number, shown):
    paginator = CappedPaginator(list(range(80)), 25, cap=60)
    assert paginator.page(number).number == shown


def test_an_empty_list_has_one_empty_page():
    paginator = CappedPaginator([], 25)
    assert (paginator.count, paginator.num_pages, list(paginator.page(7).object_list)) == (0, 1, [])


def test_the_default_cap():
    assert CappedPaginator([], 25).cap == ROW_CAP == 10_000


@pytest.mark.django_db
def test_a_queryset_is_counted_by_key_unsorted_and_no_further_than_the_cap(beilin):
    SocialOrganizationFactory.create_batch(7, area=beilin)
    rows = SocialOrganization.objects.select_related("area").order_by("name", "pk")
    with CaptureQueriesContext(connection) as queries:
        paginator = CappedPaginator(rows, 25, cap=5)
        assert (paginator.counted, paginator.count, paginator.more_than_cap) == (6, 5, True)
    (count_sql,) = [q["sql"] for q in queries.captured_queries]
    assert "COUNT(" in count_sql and "LIMIT 6" in count_sql and "ORDER BY" not in count_sql


@pytest.mark.django_db
def test_a_union_or_a_sliced_queryset_is_paged_as_it_is(beilin, yanta):
    SocialOrganizationFactory.create_batch(3, area=beilin)
    SocialOrganizationFactory.create_batch(2, area=yanta)
    orgs = SocialOrganization.objects.order_by()
    union = orgs.filter(area=beilin).union(orgs.filter(area=yanta)).order_by("name")
    paginator = CappedPaginator(union, 25, cap=4)
    assert (paginator.counted, paginator.count, len(paginator.page(1).object_list)) == (5, 4, 4)
    sliced = SocialOrganization.objects.order_by("name")[:3]
    paginator = CappedPaginator(sliced, 25)
    assert (paginator.count, len(paginator.page(1).object_list)) == (3, 3)


# Through a real list page: a cap of 30 and 40 organisations.
@pytest.fixture
def forty(beilin):
    return SocialOrganizationFactory.create_batch(40, area=beilin)


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 30)


def _offsets(queries) -> list[int]:
    return [int(n) for q in queries.captured_queries for n in re.findall(r"OFFSET (\d+)", q["sql"])]


@pytest.mark.django_db
def test_a_list_over_the_cap_says_so_and_offers_pages_up_to_it(login, staff_user, forty, small_cap):
    client = login(staff_user)
    response = client.get(LIST)
    table = response.context["table"]
    assert (table.paginator.count, table.paginator.more_than_cap, table.paginator.num_pages) == (30, True, 2)
    page = response.content.decode()
    assert "超过 30 条记录" in page and 'data-cap="30"' in page
    # The last page offered ends at the cap, in name order.
    names = sorted(org.name for org in forty)
    response = client.get(LIST, {"page": 2})
    assert [row.record.name for row in response.context["table"].page.object_list] == names[25:30]


@pytest.mark.django_db
def test_under_the_cap_a_list_gives_its_exact_count(login, staff_user, forty):
    page = login(staff_user).get(LIST).content.decode()
    assert "40 条记录" in page and "超过" not in page


@pytest.mark.django_db
def test_the_export_takes_every_row_past_the_cap(login, staff_user, forty, small_cap):
    response = login(staff_user).get(LIST, {"_export": "csv"})
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8")
    assert len(text.strip().splitlines()) == 1 + 40


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "per_page"),
    [
        ("0", "0"),
        ("-1", "-1"),
        ("abc", "abc"),
        ("1.5", ""),
        ("", "10" * 30),
        ("10" * 30, "25"),
        ("99999", "100000"),
        ("2", "25"),
        ("2", "50"),
    ],
)
def test_odd_paging_values_give_a_page_and_never_offset_past_the_cap(
    login, staff_user, forty, small_cap, page, per_page
):
    client = login(staff_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"page": page, "per_page": per_page})
    assert response.status_code == 200
    table = response.context["table"]
    assert table.paginator.per_page in PAGE_SIZES
    assert 1 <= table.page.number <= table.paginator.num_pages
    assert len(table.page.object_list) == min(table.paginator.per_page, 30 - table.page.start_index() + 1)
    assert all(offset < 30 for offset in _offsets(queries))


@pytest.mark.django_db
def test_page_size_links_come_from_the_one_list(login, staff_user, forty):
    response = login(staff_user).get(LIST, {"per_page": 50})
    counts = re.search(r'<p class="muted result-count">(.*?)</p>', response.content.decode(), re.S).group(1)
    links = re.findall(r'href="\?[^"]*per_page=(\d+)[^"]*"( aria-current="true")?', counts)
    assert [int(size) for size, _current in links] == list(PAGE_SIZES)
    assert [int(size) for size, current in links if current] == [50]


# Keys first: the count and the page's OFFSET read keys, without the joins only the columns need.
def _count_sql(queries) -> str:
    # The list's own count (the header's unread-notice count is another COUNT).
    (sql,) = [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(" in q["sql"] and '"organizations_socialorganization"' in q["sql"]
    ]
    return sql


@pytest.mark.django_db
def test_a_city_wide_count_reads_the_organisation_table_alone(login, staff_user, forty):
    with CaptureQueriesContext(connection) as queries:
        response = login(staff_user).get(LIST, {"status": "active"})
    assert response.context["table"].paginator.count == 40
    assert "JOIN" not in _count_sql(queries)


@pytest.mark.django_db
def test_a_count_keeps_the_joins_its_filter_needs(login, beilin_user, forty, yanta):
    SocialOrganizationFactory.create_batch(3, area=yanta)
    with CaptureQueriesContext(connection) as queries:
        response = login(beilin_user).get(LIST, {"q": "测试"})
    # The district's scope asks the area's path: that join stays, the supervising unit's goes.
    sql = _count_sql(queries)
    assert "organizations_area" in sql and "organizations_supervisingunit" not in sql
    assert response.context["table"].paginator.count == 40


@pytest.mark.django_db
def test_a_count_with_a_subquery_in_its_filter_is_exact(login, staff_user, beilin):
    # As of a half-year, coverage is asked with EXISTS subqueries: every join is kept.
    SocialOrganizationFactory.create_batch(4, area=beilin)
    response = login(staff_user).get(LIST, {"period": "2020H2", "coverage": "uncovered"})
    assert response.context["table"].paginator.count == 4


@pytest.fixture
def namesakes(beilin, yanta):
    """60 organisations under 3 names, so that only the key orders them within a name."""
    statuses = [SocialOrganization.Status.ACTIVE] * 2 + [SocialOrganization.Status.DEREGISTERED]
    return [
        SocialOrganizationFactory(
            name=f"同名协会{i % 3}",
            area=(beilin, yanta)[i % 2],
            category=(SocialOrganization.Category.SOCIAL_GROUP, SocialOrganization.Category.FOUNDATION)[i % 4 // 2],
            formal_party_members=i % 5,
            status=statuses[i % 3],
            deregistered_on=None if statuses[i % 3] == SocialOrganization.Status.ACTIVE else "2020-01-01",
        )
        for i in range(60)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("name", lambda o: (o.name, o.pk)),
        ("-name", lambda o: (o.name, o.pk)),
        ("status", lambda o: (o.status, o.name, o.pk)),
        ("-category", lambda o: (o.category, o.name, o.pk)),
    ],
)
def test_pages_read_through_their_keys_hold_every_row_once_in_order(login, staff_user, namesakes, sort, key):
    client = login(staff_user)
    shown = []
    for page in (1, 2, 3):
        response = client.get(LIST, {"sort": sort, "page": page})
        shown += [row.record.pk for row in response.context["table"].page.object_list]
    expected = sorted(namesakes, key=key, reverse=sort.startswith("-"))
    assert shown == [o.pk for o in expected]


@pytest.mark.django_db
def test_a_page_is_one_query_however_deep(login, staff_user, namesakes, django_assert_num_queries):
    client = login(staff_user)
    client.get(LIST)
    with django_assert_num_queries(6):
        first = client.get(LIST, {"page": 1})
    with django_assert_num_queries(6):
        last = client.get(LIST, {"page": 3})
    assert len(first.context["table"].page.object_list) == 25 and len(last.context["table"].page.object_list) == 10
