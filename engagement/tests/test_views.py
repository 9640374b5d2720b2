"""Pages: scope on every list, detail, form and export; roles; query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from engagement.models import Contribution, PilotAssignment, TrainingBase, TrainingSession
from engagement.tests.factories import (
    CommunityFactory,
    ContributionFactory,
    PilotAssignmentFactory,
    PilotCommunityFactory,
    PlaqueAwardFactory,
    TrainingBaseFactory,
    TrainingSessionFactory,
)
from organizations.tests.factories import SocialOrganizationFactory

pytestmark = pytest.mark.django_db

LISTS = ("base-list", "session-list", "pilot-list", "assignment-list", "plaque-list", "contribution-list")


def url(name: str, *args) -> str:
    return reverse(f"engagement:{name}", args=args)


def _rows(response) -> set[int]:
    return {row.record.pk for row in response.context["table"].page.object_list}


def _export(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


def _records(eng) -> dict[str, dict[str, set[int]]]:
    """Per list, the primary keys each user must see (and nothing else)."""
    pk = lambda *objs: {o.pk for o in objs}  # noqa: E731
    return {
        "base-list": {"beilin": pk(eng.b_base), "yanta": pk(eng.y_base), "lawyers": pk(eng.y_base)},
        "session-list": {"beilin": pk(eng.b_session), "yanta": pk(eng.y_session), "lawyers": pk(eng.y_session)},
        "pilot-list": {"beilin": pk(eng.b_pilot), "yanta": pk(eng.y_pilot), "lawyers": pk(eng.b_pilot, eng.y_pilot)},
        "assignment-list": {
            "beilin": pk(eng.b_assign, eng.b_law_assign),
            "yanta": pk(eng.y_assign),
            "lawyers": pk(eng.b_law_assign, eng.y_assign),
        },
        "plaque-list": {"beilin": pk(eng.b_plaque), "yanta": pk(eng.y_plaque), "lawyers": pk(eng.y_plaque)},
        "contribution-list": {
            "beilin": pk(eng.b_contrib),
            "yanta": pk(eng.y_contrib, eng.y_org_contrib),
            "lawyers": pk(eng.y_contrib),
        },
    }


# --------------------------------------------------------------------------
# Access
# --------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client, eng):
    for name in ("index", *LISTS):
        response = client.get(url(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client.get(url("base-detail", eng.b_base.pk))
    assert response.status_code == 302


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("who", ["beilin", "yanta", "lawyers"])
def test_every_list_is_scoped(login, request, eng, name, who):
    user = request.getfixturevalue(f"{who}_user")
    response = login(user).get(url(name))
    assert response.status_code == 200
    assert _rows(response) == _records(eng)[name][who]


@pytest.mark.parametrize("name", LISTS)
def test_citywide_users_see_every_row(login, staff_user, leader_user, eng, name):
    expected = set().union(*_records(eng)[name].values())
    for user in (staff_user, leader_user):
        assert _rows(login(user).get(url(name))) == expected


@pytest.mark.parametrize("name", LISTS)
def test_csv_export_is_scoped(login, beilin_user, eng, name):
    response = login(beilin_user).get(url(name) + "?_export=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _export(response)
    assert len(rows) - 1 == len(_records(eng)[name]["beilin"])
    text = "\n".join(",".join(r) for r in rows)
    assert "雁塔" not in text


@pytest.mark.parametrize("name", LISTS)
def test_xlsx_export_is_scoped(login, lawyers_user, eng, name):
    response = login(lawyers_user).get(url(name) + "?_export=xlsx")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(values) == len(_records(eng)[name]["lawyers"])
    assert not any("文化协会" in str(cell) for row in values for cell in row)


def test_export_of_the_filtered_rows_only(login, yanta_user, eng):
    rows = _export(login(yanta_user).get(url("contribution-list") + "?sent_teams=true&_export=csv"))
    assert len(rows) == 2 and "雁塔服务中心" in rows[1]


def test_pilot_list_shows_only_the_organisations_in_scope(login, lawyers_user, eng):
    rows = _export(login(lawyers_user).get(url("pilot-list") + "?_export=csv"))
    serving = " ".join(r[-1] for r in rows[1:])
    assert "碑林律所" in serving and "雁塔律所" in serving and "碑林文化协会" not in serving


DETAILS = {
    "base-detail": "b_base",
    "base-update": "b_base",
    "session-update": "b_session",
    "pilot-detail": "b_pilot",
    "pilot-update": "b_pilot",
    "assignment-update": "b_assign",
    "plaque-detail": "b_plaque",
    "plaque-update": "b_plaque",
    "contribution-detail": "b_contrib",
    "contribution-update": "b_contrib",
}


@pytest.mark.parametrize("name", sorted(DETAILS))
def test_another_districts_record_is_404(login, beilin_user, yanta_user, eng, name):
    target = url(name, getattr(eng, DETAILS[name]).pk)
    assert login(beilin_user).get(target).status_code == 200
    assert login(yanta_user).get(target).status_code == 404


@pytest.mark.parametrize("name", sorted(DETAILS))
def test_industry_user_cannot_open_a_district_record(login, lawyers_user, eng, nanyuanmen, name):
    # Baojixiang is served by a law firm, so the committee sees it; this one is not.
    other_pilot = PilotCommunityFactory(community=CommunityFactory(parent=nanyuanmen))
    PilotAssignmentFactory(organization=eng.b_org, community=other_pilot)
    record = other_pilot if name.startswith("pilot-") else getattr(eng, DETAILS[name])
    assert login(lawyers_user).get(url(name, record.pk)).status_code == 404


def test_industry_user_opens_its_own_records(login, lawyers_user, eng):
    client = login(lawyers_user)
    for name, record in (
        ("base-detail", eng.y_base),
        ("pilot-detail", eng.b_pilot),
        ("contribution-update", eng.y_contrib),
    ):
        assert client.get(url(name, record.pk)).status_code == 200


def test_pilot_detail_lists_only_the_organisations_in_scope(login, lawyers_user, beilin_user, eng):
    page = login(lawyers_user).get(url("pilot-detail", eng.b_pilot.pk))
    assert {a.organization.name for a in page.context["object"].serving} == {"碑林律所"}
    assert page.context["object"].visible_plaques == []
    page = login(beilin_user).get(url("pilot-detail", eng.b_pilot.pk))
    assert {a.organization.name for a in page.context["object"].serving} == {"碑林律所", "碑林文化协会"}
    assert [p.pk for p in page.context["object"].visible_plaques] == [eng.b_plaque.pk]
    assert page.content.decode().count("data-organization=") == 2


def test_post_to_another_districts_edit_url_changes_nothing(login, yanta_user, eng):
    response = login(yanta_user).post(url("contribution-update", eng.b_contrib.pk), {"description": "篡改"})
    assert response.status_code == 404
    eng.b_contrib.refresh_from_db()
    assert eng.b_contrib.description == "碑林扶贫"


CREATES = ("base-create", "session-create", "pilot-create", "assignment-create", "plaque-create", "contribution-create")


@pytest.mark.parametrize("name", CREATES + tuple(n for n in DETAILS if n.endswith("-update")))
def test_leadership_reads_only(login, leader_user, eng, name):
    target = url(name, getattr(eng, DETAILS[name]).pk) if name in DETAILS else url(name)
    client = login(leader_user)
    assert client.get(target).status_code == 403
    assert client.post(target, {}).status_code == 403


def test_leadership_sees_no_edit_buttons(login, leader_user, eng):
    page = login(leader_user).get(url("base-detail", eng.b_base.pk)).content.decode()
    assert url("base-update", eng.b_base.pk) not in page
    assert url("session-create") not in page


# --------------------------------------------------------------------------
# Forms
# --------------------------------------------------------------------------


def test_create_a_contribution(login, beilin_user, eng):
    response = login(beilin_user).post(
        url("contribution-create"),
        {
            "organization": eng.b_org.pk,
            "kind": Contribution.Kind.EPIDEMIC,
            "made_on": "2020-02-03",
            "money_yuan": "1500.00",
            "goods_value_yuan": "0",
            "people_helped": "0",
            "teams_sent": "0",
            "description": "捐款",
        },
    )
    created = Contribution.objects.get(description="捐款")
    assert response.status_code == 302 and response.url == created.get_absolute_url()
    assert created.money_yuan == Decimal("1500.00")


def test_forms_offer_only_the_users_records(login, beilin_user, eng):
    client = login(beilin_user)
    form = client.get(url("contribution-create")).context["form"]
    assert set(form.fields["organization"].queryset) == {eng.b_org, eng.b_law}
    form = client.get(url("session-create")).context["form"]
    assert set(form.fields["base"].queryset) == {eng.b_base}
    form = client.get(url("base-create")).context["form"]
    assert [a.name for a in form.fields["area"].queryset] == ["碑林区"]


def test_a_crafted_choice_from_another_district_is_refused(login, beilin_user, eng):
    response = login(beilin_user).post(
        url("contribution-create"),
        {
            "organization": eng.y_org.pk,
            "kind": Contribution.Kind.EPIDEMIC,
            "made_on": "2020-02-03",
            "money_yuan": "1",
            "goods_value_yuan": "0",
            "people_helped": "0",
            "teams_sent": "0",
        },
    )
    assert response.status_code == 200 and "organization" in response.context["form"].errors
    assert Contribution.objects.count() == 3


def test_form_shows_constraint_errors_on_the_field(login, beilin_user, eng):
    response = login(beilin_user).post(
        url("session-create"),
        {
            "base": eng.b_base.pk,
            "held_on": "2020-07-01",
            "topic": "超员",
            "attendees": "10",
            "new_secretaries": "12",
        },
    )
    assert response.status_code == 200
    assert "new_secretaries" in response.context["form"].errors
    assert not TrainingSession.objects.filter(topic="超员").exists()


def test_pilot_form_offers_communities_not_yet_in_the_pilot(login, beilin_user, eng, nanyuanmen):
    free = CommunityFactory(parent=nanyuanmen, name="琉璃街社区")
    form = login(beilin_user).get(url("pilot-create")).context["form"]
    assert list(form.fields["community"].queryset) == [free]


def test_add_organisation_from_the_pilot_page(login, beilin_user, eng, beilin):
    org = SocialOrganizationFactory(area=beilin, name="新进驻组织")
    client = login(beilin_user)
    form = client.get(url("assignment-create") + f"?community={eng.b_pilot.pk}").context["form"]
    assert str(form.initial["community"]) == str(eng.b_pilot.pk)
    response = client.post(
        url("assignment-create"),
        {
            "community": eng.b_pilot.pk,
            "organization": org.pk,
            "selected_on": "2020-04-10",
        },
    )
    assert response.status_code == 302 and response.url == eng.b_pilot.get_absolute_url()
    assert PilotAssignment.objects.filter(organization=org, community=eng.b_pilot).exists()


# --------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------


def test_area_filter_cannot_widen_scope(login, beilin_user, eng, yanta):
    client = login(beilin_user)
    for name in LISTS:
        assert _rows(client.get(url(name) + f"?area={yanta.pk}")) == set(), name


def test_area_filter_offers_only_the_users_areas(login, beilin_user, eng):
    response = login(beilin_user).get(url("contribution-list"))
    choices = [label for value, label in response.context["filter"].form.fields["area"].choices if value]
    assert choices == ["碑林区"]


@pytest.mark.parametrize(
    ("name", "query", "expected"),
    [
        ("base-list", "function=listen", {"b_base", "y_base"}),
        ("base-list", "is_provincial_point=true", {"b_base"}),
        ("contribution-list", "kind=poverty", {"b_contrib"}),
        ("contribution-list", "is_exemplary_case=true", {"y_org_contrib"}),
        ("contribution-list", "q=律所", {"y_contrib"}),
        ("plaque-list", "agreement_signed=false", {"y_plaque"}),
        ("assignment-list", "category=law_firm", {"b_law_assign", "y_assign"}),
        ("session-list", "held_after=2020-01-01&held_before=2020-12-31", {"b_session", "y_session"}),
        ("pilot-list", "q=保吉巷", {"b_pilot"}),
    ],
)
def test_filters(login, staff_user, eng, name, query, expected):
    assert _rows(login(staff_user).get(f"{url(name)}?{query}")) == {getattr(eng, e).pk for e in expected}


def test_base_functions_filter(login, staff_user, eng):
    TrainingBase.objects.filter(pk=eng.y_base.pk).update(offers_assessing=True)
    assert _rows(login(staff_user).get(url("base-list") + "?function=assess")) == {eng.y_base.pk}


# --------------------------------------------------------------------------
# Index page
# --------------------------------------------------------------------------


def test_index_links_every_list_and_shows_scoped_figures(login, beilin_user, lawyers_user, eng):
    response = login(beilin_user).get(url("index"))
    page = response.content.decode()
    for name in LISTS:
        assert url(name) in page
    summary = response.context["summary"]
    assert summary["training"]["bases"] == 1 and summary["pilots"]["pilot_organizations"] == 2
    assert 'data-figure="plaques">1<' in page
    response = login(lawyers_user).get(url("index"))
    assert response.context["summary"]["pilots"]["pilot_communities"] == 2
    assert response.context["summary"]["contributions"]["epidemic"]["total"] == Decimal("7500.50")


def test_index_shows_contribution_sums_in_wan_yuan(login, lawyers_user, eng):
    # Sums run to millions of yuan: officials read them in 万元, two decimals.
    page = login(lawyers_user).get(url("index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    epidemic = page[page.index('data-kind="epidemic"') :]
    # y_contrib (5,000 + 2,500.50) and y_org_contrib (800.00 goods) are yanta's; lawyers sees the law firm's.
    assert 'data-figure="money">0.50<' in epidemic
    assert 'data-figure="goods">0.25<' in epidemic
    assert 'data-figure="total">0.75<' in epidemic
    assert "捐款（万元）" in page and "捐款及可计价物资（万元）" in page


# --------------------------------------------------------------------------
# Query counts: a page of 5 rows costs what a page of 50 does
# --------------------------------------------------------------------------


def _make(name: str, n: int, beilin, nanyuanmen) -> None:
    """n rows of the list `name`, each with the related records its columns show."""
    org = SocialOrganizationFactory(area=beilin)
    if name == "base-list":
        for _ in range(n):
            TrainingSessionFactory(base=TrainingBaseFactory(area=beilin, host_organization=org))
    elif name == "session-list":
        TrainingSessionFactory.create_batch(n, base=TrainingBaseFactory(area=beilin, host_organization=org))
    elif name in ("pilot-list", "assignment-list"):
        for _ in range(n):
            pilot = PilotCommunityFactory(community=CommunityFactory(parent=nanyuanmen))
            for serving in SocialOrganizationFactory.create_batch(2, area=beilin):
                PilotAssignmentFactory(organization=serving, community=pilot)
    elif name == "plaque-list":
        pilot = PilotCommunityFactory(community=CommunityFactory(parent=nanyuanmen))
        PilotAssignmentFactory(organization=org, community=pilot)
        for day in range(n):
            PlaqueAwardFactory(organization=org, community=pilot, awarded_on=dt.date(2020, 1, 1) + dt.timedelta(day))
    elif name == "contribution-list":
        ContributionFactory.create_batch(n, organization=org)


# session, user, count, page of rows, the filters' dropdowns (and the
# pilot list's first serving assignments and their organisations, one
# prefetch each for the whole page).
QUERIES = {
    "base-list": 5,
    "session-list": 6,
    "pilot-list": 7,
    "assignment-list": 6,
    "plaque-list": 5,
    "contribution-list": 5,
}


@pytest.mark.parametrize("n", [5, 50])
@pytest.mark.parametrize("name", LISTS)
def test_list_query_count_does_not_grow(login, staff_user, beilin, nanyuanmen, name, n, django_assert_num_queries):
    _make(name, n, beilin, nanyuanmen)
    client = login(staff_user)
    with django_assert_num_queries(QUERIES[name]):
        response = client.get(url(name) + "?per_page=100")
    rows = len(response.context["table"].page.object_list)
    assert rows == (2 * n if name == "assignment-list" else n)


# --------------------------------------------------------------------------
# At scale: columns counted per page, sorts an index serves
# --------------------------------------------------------------------------

SORTS = {
    "base-list": {"name"},
    "session-list": {"held_on"},
    "pilot-list": {"district"},
    "assignment-list": {"community"},
    "plaque-list": {"awarded_on"},
    "contribution-list": {"organization", "made_on"},
}


@pytest.mark.parametrize("name", LISTS)
def test_lists_sort_only_by_what_an_index_serves(login, staff_user, eng, name):
    client = login(staff_user)
    table = client.get(url(name)).context["table"]
    assert {column.name for column in table.columns if column.orderable} == SORTS[name]
    # Each sort ends with the key: the two directions are exact mirrors.
    for column in SORTS[name]:
        up = [row.record.pk for row in client.get(url(name), {"sort": column}).context["table"].page.object_list]
        down = [
            row.record.pk for row in client.get(url(name), {"sort": f"-{column}"}).context["table"].page.object_list
        ]
        assert up == down[::-1] and up, (name, column)


def test_base_list_counts_each_pages_sessions(login, staff_user, eng):
    TrainingSessionFactory.create_batch(3, base=eng.y_base)
    counts = {
        row.record.pk: row.record.session_count
        for row in login(staff_user).get(url("base-list")).context["table"].page.object_list
    }
    assert counts == {
        eng.b_base.pk: TrainingSession.objects.filter(base=eng.b_base).count(),
        eng.y_base.pk: TrainingSession.objects.filter(base=eng.y_base).count(),
    }
    assert counts[eng.y_base.pk] >= 4


def test_pilot_list_names_the_first_serving_organisations_and_counts_them(login, staff_user, eng, beilin):
    for n in range(7):
        PilotAssignmentFactory(
            organization=SocialOrganizationFactory(area=beilin, name=f"服务组织{n}"), community=eng.b_pilot
        )
    response = login(staff_user).get(url("pilot-list"))
    row = next(r for r in response.context["table"].page.object_list if r.record.pk == eng.b_pilot.pk)
    total = PilotAssignment.objects.filter(community=eng.b_pilot).count()
    assert row.record.serving_count == total == 9
    first = list(
        PilotAssignment.objects.filter(community=eng.b_pilot)
        .order_by("selected_on", "pk")
        .values_list("organization__name", flat=True)[:5]
    )
    assert [a.organization.name for a in row.record.serving] == first
    page = response.content.decode()
    assert "、".join(first) in page
    # The pilot page itself lists every one of them.
    detail = login(staff_user).get(url("pilot-detail", eng.b_pilot.pk))
    assert len(detail.context["object"].serving) == 9


def test_one_row_per_organisation_keeps_each_organisations_first_assignment(login, staff_user, eng, nanyuanmen):
    second = PilotCommunityFactory(community=CommunityFactory(parent=nanyuanmen))
    again = PilotAssignmentFactory(organization=eng.b_assign.organization, community=second)
    client = login(staff_user)
    every = _rows(client.get(url("assignment-list")))
    assert again.pk in every
    once = _rows(client.get(url("assignment-list"), {"per_organization": "true"}))
    assert once == every - {again.pk}
    # Within other filters' rows: Beilin's second community only, so its assignment is the first there.
    assert again.pk in _rows(client.get(url("assignment-list"), {"per_organization": "true", "community": second.pk}))
