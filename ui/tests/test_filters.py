"""The shared filters: the search box (short and long words, codes, case) and
the area filter by key, on SQLite and on PostgreSQL (DATABASE_URL)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.filters import PartyOrganizationFilter, SocialOrganizationFilter
from organizations.models import PartyOrganization, SocialOrganization
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from ui.filters import SearchFilter

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def names(beilin):
    for name in ("西安市碑林区书法协会", "碑林区律师协会", "雁塔区ABC律所", "abc 商会", "長安书画院", "100%公益基金会"):
        SocialOrganizationFactory(name=name, area=beilin)


def _search(value: str) -> set[str]:
    search = SearchFilter(fields=("name",), prefix=("credit_code",), gram_indexed=("name",))
    return set(search.filter(SocialOrganization.objects.all(), value).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("律", {"碑林区律师协会", "雁塔区ABC律所"}),  # one character
        ("碑林", {"西安市碑林区书法协会", "碑林区律师协会"}),  # two
        ("书法协会", {"西安市碑林区书法协会"}),  # three and more
        ("协会", {"西安市碑林区书法协会", "碑林区律师协会"}),
        ("Abc", {"雁塔区ABC律所", "abc 商会"}),  # any case
        ("bC", {"雁塔区ABC律所", "abc 商会"}),
        ("c 商", {"abc 商会"}),  # a space inside
        ("100%", {"100%公益基金会"}),  # LIKE's wildcards are literal
        ("%", {"100%公益基金会"}),
        ("_", set()),
        ("  碑林区律师  ", {"碑林区律师协会"}),  # trimmed
        ("不存在", set()),
        ("无", set()),
    ],
)
def test_search_finds_names_by_any_part(names, value, expected):
    assert _search(value) == expected


def test_an_empty_search_filters_nothing(names):
    assert len(_search("   ")) == 6


def test_credit_codes_are_searched_from_their_beginning_in_any_case(beilin):
    org = SocialOrganizationFactory(name="某协会", area=beilin)
    assert _search(org.credit_code[:8].lower()) == {"某协会"}
    assert _search(org.credit_code) == {"某协会"}
    # The middle of a code is no prefix of it.
    assert _search(org.credit_code[4:12]) == set()


def test_words_no_code_can_hold_ask_no_code_condition(names):
    with CaptureQueriesContext(connection) as queries:
        _search("协会")
        _search("ab12")
    chinese, code_like = (q["sql"] for q in queries.captured_queries)
    assert "credit_code" not in chinese and "credit_code" in code_like


@pytest.mark.skipif(not POSTGRES, reason="the search indexes exist on PostgreSQL only")
@pytest.mark.parametrize(("value", "index"), [("律", "search_grams"), ("碑林", "search_grams"), ("书法协会", "UPPER")])
def test_on_postgresql_each_word_length_asks_what_its_index_answers(names, value, index):
    with CaptureQueriesContext(connection) as queries:
        _search(value)
    sql = queries.captured_queries[0]["sql"]
    assert index in sql
    if index == "search_grams":
        # No UPPER(name) LIKE of under three characters: PostgreSQL would scan the trigram index whole.
        assert 'UPPER("organizations_socialorganization"."name"::text) LIKE' not in sql


@pytest.mark.skipif(not POSTGRES, reason="the search indexes exist on PostgreSQL only")
def test_on_postgresql_the_migration_made_the_search_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_trgm"])
        trigram = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_grams"])
        grams = {row[0] for row in cursor.fetchall()}
    assert trigram == {"org_name_trgm", "party_name_trgm", "party_secretary_trgm"}
    assert grams == {"org_name_grams", "party_name_grams", "party_secretary_grams"}


def test_party_organisations_are_searched_by_name_or_secretary(beilin):
    PartyOrganizationFactory(name="碑林区律师协会党支部", secretary="张伟", area=beilin)
    PartyOrganizationFactory(name="书法协会党支部", secretary="李明", area=beilin)
    search = PartyOrganizationFilter().filters["q"]

    def found(value):
        return set(search.filter(PartyOrganization.objects.all(), value).values_list("name", flat=True))

    assert found("张") == {"碑林区律师协会党支部"}
    assert found("李明") == {"书法协会党支部"}
    assert found("党支部") == {"碑林区律师协会党支部", "书法协会党支部"}


# The area filter by key: the same rows as the path, in the form an index reads in order.
@pytest.fixture
def spread(beilin, yanta, nanyuanmen):
    return {
        "beilin": SocialOrganizationFactory(name="碑林甲", area=beilin),
        # Filed below the district (possible through the admin): still in its subtree.
        "street": SocialOrganizationFactory(name="南院门乙", area=nanyuanmen),
        "yanta": SocialOrganizationFactory(name="雁塔丙", area=yanta),
    }


def _filtered(filterset_class, data, user=None):
    request = type("Request", (), {"user": user})() if user is not None else None
    filterset = filterset_class(data=data, queryset=SocialOrganization.objects.all(), request=request)
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


def test_the_area_filter_keeps_the_whole_subtree(spread, beilin, staff_user):
    with CaptureQueriesContext(connection) as queries:
        names = set(_filtered(SocialOrganizationFilter, {"area": beilin.pk}, staff_user).values_list("name", flat=True))
    assert names == {"碑林甲", "南院门乙"}
    # By key: the rows' own column against a list, no join on the area's path.
    rows_sql = queries.captured_queries[-1]["sql"]
    assert '"area_id" IN (' in rows_sql and "path" not in rows_sql


def test_the_city_filters_nothing(spread, city, staff_user):
    assert _filtered(SocialOrganizationFilter, {"area": city.pk}, staff_user).count() == 3


def test_a_district_official_is_narrowed_by_key_without_choosing(spread, beilin_user):
    rows = _filtered(SocialOrganizationFilter, {}, beilin_user)
    assert '"area_id" IN (' in str(rows.query)
    assert set(rows.values_list("name", flat=True)) == {"碑林甲", "南院门乙"}


def test_the_registration_area_filter_by_key_keeps_its_meaning(spread, city, beilin, staff_user):
    SocialOrganizationFactory(name="市本级丁", area=city)
    own = _filtered(SocialOrganizationFilter, {"registration_area": city.pk}, staff_user)
    assert set(own.values_list("name", flat=True)) == {"市本级丁"}
    district = _filtered(SocialOrganizationFilter, {"registration_area": beilin.pk}, staff_user)
    assert set(district.values_list("name", flat=True)) == {"碑林甲", "南院门乙"}


def test_an_area_without_rows_matches_none(spread, yanta, staff_user):
    SocialOrganization.objects.filter(area=yanta).delete()
    assert not _filtered(SocialOrganizationFilter, {"area": yanta.pk}, staff_user).exists()
