"""The organisation pickers' endpoints: the user's own rows only, whatever is
typed; twenty at most, by name; two queries for the rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from organizations.autocomplete import OrganizationAutocomplete
from organizations.models import PartyOrganization
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory

pytestmark = pytest.mark.django_db

ORGS = reverse("organizations:autocomplete-organizations")
PARENTS = reverse("organizations:autocomplete-parent-party-organizations")


def _results(client, url: str, q: str) -> list[dict]:
    response = client.get(url, {"q": q})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()["results"]


def _names(client, url: str, q: str) -> list[str]:
    return [row["text"] for row in _results(client, url, q)]


def test_a_district_official_never_gets_another_districts_organisation(login, beilin_user, dataset):
    client = login(beilin_user)
    g = dataset.g
    active_beilin = {o.pk for o in (dataset.a, dataset.b, dataset.c, dataset.d, dataset.e, dataset.f)}
    # Its name, part of it, its credit code or a prefix of it, wildcards, a lone letter: never Yanta's G.
    for q in (
        "G 律师事务所",
        "律师",
        "G",
        "g",
        g.credit_code,
        g.credit_code[:8],
        g.credit_code[:8].lower(),
        "%",
        "_",
        "协",
    ):
        ids = {row["id"] for row in _results(client, ORGS, q)}
        assert g.pk not in ids, q
        assert ids <= active_beilin, q
    assert {row["id"] for row in _results(client, ORGS, "协")} == {
        dataset.a.pk,
        dataset.b.pk,
        dataset.e.pk,
        dataset.f.pk,
    }


def test_an_industry_committee_gets_only_its_units_organisations(login, lawyers_user, dataset):
    client = login(lawyers_user)
    assert _names(client, ORGS, "协会") == []
    assert _names(client, ORGS, "律师") == ["G 律师事务所（雁塔区）"]


def test_deregistered_organisations_are_not_offered(login, staff_user, dataset):
    assert _names(login(staff_user), ORGS, "H 协会") == []


def test_search_by_name_or_credit_code_prefix_with_the_area_and_code_shown(login, staff_user, dataset):
    client = login(staff_user)
    g = dataset.g
    assert _results(client, ORGS, "律师事务") == [{"id": g.pk, "text": "G 律师事务所（雁塔区）", "hint": g.credit_code}]
    for q in (g.credit_code, g.credit_code[:10], g.credit_code[:10].lower()):
        assert g.pk in {row["id"] for row in _results(client, ORGS, q)}, q
    # A code prefix is a prefix: the code's tail does not match.
    assert g.pk not in {row["id"] for row in _results(client, ORGS, g.credit_code[4:])}


def test_twenty_at_most_in_name_order(login, beilin_user, beilin):
    names = [f"碑林区第{n:02d}协会" for n in range(30)]
    for name in reversed(names):
        SocialOrganizationFactory(name=name, area=beilin)
    assert _names(login(beilin_user), ORGS, "第") == [f"{name}（碑林区）" for name in names[:20]]


def test_past_the_candidates_the_twenty_are_still_matches_in_scope_in_name_order(
    login, beilin_user, beilin, yanta, monkeypatch
):
    for n in range(30):
        SocialOrganizationFactory(name=f"碑林区第{n:02d}协会", area=beilin)
        SocialOrganizationFactory(name=f"雁塔区第{n:02d}协会", area=yanta)
    monkeypatch.setattr(OrganizationAutocomplete, "candidates", 25)
    names = _names(login(beilin_user), ORGS, "协会")
    assert len(names) == 20 and names == sorted(names)
    assert all(name.startswith("碑林区第") for name in names)


def test_nothing_is_listed_before_anything_is_typed(login, staff_user, dataset):
    assert _results(login(staff_user), ORGS, "") == []
    assert _results(login(staff_user), ORGS, "   ") == []


@pytest.mark.parametrize("user", ["beilin_user", "lawyers_user", "staff_user"])
def test_two_queries_for_the_rows_whatever_the_scope(
    request, login, user, dataset, beilin, justice, django_assert_num_queries
):
    for n in range(25):
        SocialOrganizationFactory(name=f"碑林区协会{n}", area=beilin, supervising_unit=justice)
    client = login(request.getfixturevalue(user))
    # Session and user (a district official's scope reads the user's area and
    # the keys of the areas holding its rows), then the matches' keys and the
    # twenty rows; nothing found, no second query.
    base = 4 if user == "beilin_user" else 2
    with django_assert_num_queries(base + 2):
        assert len(client.get(ORGS, {"q": "协会"}).json()["results"]) == 20
    with django_assert_num_queries(base + 1):
        client.get(ORGS, {"q": "无此组织"})
    # Nothing typed: no search at all.
    with django_assert_num_queries(2):
        client.get(ORGS, {"q": ""})


def test_anonymous_gets_403_not_the_login_page(client, dataset):
    assert client.get(ORGS, {"q": "协会"}).status_code == 403
    assert client.get(PARENTS, {"q": "党"}).status_code == 403


def test_parents_are_committees_and_general_branches_in_scope(login, beilin_user, yanta_user, beilin, yanta, dataset):
    committee = PartyOrganizationFactory(
        name="碑林区社会组织综合党委", area=beilin, kind=PartyOrganization.Kind.COMMITTEE
    )
    general = PartyOrganizationFactory(name="碑林区某总支", area=beilin, kind=PartyOrganization.Kind.GENERAL_BRANCH)
    PartyOrganizationFactory(name="雁塔区社会组织综合党委", area=yanta, kind=PartyOrganization.Kind.COMMITTEE)
    rows = _results(login(beilin_user), PARENTS, "党")
    assert [row["id"] for row in rows] == [committee.pk]
    assert rows[0]["hint"] == "党委"
    assert [row["id"] for row in _results(login(beilin_user), PARENTS, "总支")] == [general.pk]
    # Branches (dataset.p_a and the rest) are never parents; Yanta sees only its own committee.
    assert _names(login(yanta_user), PARENTS, "综合党委") == ["雁塔区社会组织综合党委（雁塔区）"]
