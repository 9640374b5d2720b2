"""The change page: summary, lists, export, scope, and a fixed number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.crawler import PageParser
from coverage.changes.selectors import Kind
from organizations.tests.factories import (
    InstructorAssignmentFactory,
    PartyOrganizationFactory,
    SocialOrganizationFactory,
)

from .records import recount_all
from .test_selectors import EXPECTED_2020H2

pytestmark = pytest.mark.django_db

CHANGES = reverse("coverage:changes")


def listed(response) -> set[str]:
    return {str(row.record.name) for row in response.context["table"].rows}


def export_lines(response) -> list[str]:
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    return [line for line in text.splitlines() if line]


def summary_cells(response) -> dict[str, dict]:
    return {cell["kind"].value: cell for group in response.context["summary"] for cell in group["cells"]}


def test_the_page_defaults_to_the_latest_half_year_and_registrations(login, staff_user, changed):
    response = login(staff_user).get(CHANGES)
    assert response.status_code == 200
    assert response.context["period"].code == "2020H2"
    assert response.context["kind"] == Kind.REGISTERED
    assert listed(response) == EXPECTED_2020H2[Kind.REGISTERED]
    # The previous half-year's day and this one's, said at the top.
    assert "2020H1" in response.content.decode()


@pytest.mark.parametrize("kind", [k for k in Kind if k not in (Kind.INSTRUCTOR_STARTED, Kind.INSTRUCTOR_ENDED)])
def test_each_kind_lists_its_records(login, staff_user, changed, kind):
    response = login(staff_user).get(CHANGES, {"period": "2020H2", "kind": kind.value})
    assert listed(response) == EXPECTED_2020H2.get(kind, set())
    assert response.context["kind_count"] == len(EXPECTED_2020H2.get(kind, set()))


def test_instructor_lists_name_the_person_and_the_organisation(login, staff_user, changed):
    response = login(staff_user).get(CHANGES, {"period": "2020H2", "kind": "instructor_ended"})
    rows = [(row.record.person_name, row.record.organization.name) for row in response.context["table"].rows]
    assert sorted(rows) == [("李指导员", "A 协会"), ("李指导员", "D 基金会")]


def test_each_count_links_to_its_list_with_the_scope_kept(login, staff_user, changed, justice):
    client = login(staff_user)
    response = client.get(CHANGES, {"period": "2020H2", "unit": justice.pk})
    cells = summary_cells(response)
    assert set(cells) == set(Kind.values)
    for kind, cell in cells.items():
        assert f"kind={kind}" in cell["url"] and f"unit={justice.pk}" in cell["url"] and "period=2020H2" in cell["url"]
        followed = client.get(CHANGES + cell["url"] + "&per_page=100")
        assert followed.status_code == 200
        # The rows listed, not the count the list is given: the summary's count.
        assert len(followed.context["table"].page.object_list) == cell["count"], kind


def test_net_changes_are_shown_with_their_sign(login, staff_user, changed):
    response = login(staff_user).get(CHANGES, {"period": "2020H2"})
    nets = {group["figure"]: group["net"] for group in response.context["summary"]}
    assert nets["organizations"] == 1 and nets["work_covered"] == -2
    html = response.content.decode()
    assert "▲1" in html and "▼2" in html


def test_export_holds_exactly_the_rows_of_the_kind(login, staff_user, changed, beilin):
    client = login(staff_user)
    response = client.get(CHANGES, {"period": "2020H2", "kind": "work_covered_lost", "_export": "csv"})
    lines = export_lines(response)
    assert len(lines) == 1 + len(EXPECTED_2020H2[Kind.WORK_COVERED_LOST])
    assert {line.split(",")[0] for line in lines[1:]} == EXPECTED_2020H2[Kind.WORK_COVERED_LOST]
    assert "changes-2020H2-work_covered_lost.csv" in response["Content-Disposition"]
    response = client.get(CHANGES, {"period": "2020H2", "kind": "registered", "area": "610103", "_export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_export_past_the_first_page(login, staff_user, changed, beilin):
    SocialOrganizationFactory.create_batch(30, area=beilin, registered_on="2020-10-01")
    client = login(staff_user)
    response = client.get(CHANGES, {"period": "2020H2", "kind": "registered"})
    # The list is the records as they are; the summary, the recount's counts until the next recount.
    assert len(response.context["table"].page.object_list) == 25
    assert response.context["table"].paginator.count == 33
    assert response.context["kind_count"] == 3 and response.context["counted_at"] is not None
    recount_all()
    assert client.get(CHANGES, {"period": "2020H2", "kind": "registered"}).context["kind_count"] == 33
    assert len(client.get(CHANGES, {"period": "2020H2", "kind": "registered", "page": 2}).context["table"].page) == 8
    assert len(export_lines(client.get(CHANGES, {"period": "2020H2", "kind": "registered", "_export": "csv"}))) == 34


def test_the_list_sorts(login, staff_user, changed):
    response = login(staff_user).get(CHANGES, {"period": "2020H2", "kind": "registered", "sort": "-registered_on"})
    dates = [row.record.registered_on for row in response.context["table"].rows]
    assert dates == sorted(dates, reverse=True)


def test_an_earlier_half_year_can_be_chosen(login, staff_user, changed):
    response = login(staff_user).get(CHANGES, {"period": "2020H1", "kind": "deregistered"})
    assert response.context["period"].code == "2020H1"
    assert listed(response) == {"H 协会（已注销）"}


# --------------------------------------------------------------------------
# Scope
# --------------------------------------------------------------------------


def _every_listed_pk(client, **params) -> set[tuple[str, int]]:
    found = set()
    for kind in Kind:
        response = client.get(CHANGES, {"period": "2020H2", "kind": kind.value, "per_page": 100, **params})
        assert response.status_code == 200
        found |= {(kind.value, row.record.pk) for row in response.context["table"].rows}
    return found


def test_a_district_official_sees_only_their_districts_changes(login, yanta_user, changed, justice, culture):
    client = login(yanta_user)
    seen = (
        _every_listed_pk(client) | _every_listed_pk(client, unit=justice.pk) | _every_listed_pk(client, unit=culture.pk)
    )
    assert seen == {
        ("registered", changed.n2.pk),
        ("org_covered_gained", changed.n2.pk),
        ("org_covered_gained", changed.g_branch.organizations.get().pk),
        ("work_covered_gained", changed.n2.pk),
        ("work_covered_gained", changed.g_branch.organizations.get().pk),
        ("unestablished_cleared", changed.g_branch.organizations.get().pk),
        ("party_established", changed.n2_branch.pk),
        ("party_established", changed.g_branch.pk),
        # G's political building (雁塔): cross-appointed and consultation set up in 2020H2.
        ("cross_appointed_gained", changed.g_branch.organizations.get().pk),
        ("consultation_gained", changed.g_branch.organizations.get().pk),
    }
    response = client.get(CHANGES)
    assert [o.code for o in response.context["scope_form"].fields["area"].queryset] == ["610113"]


@pytest.mark.parametrize(
    "params",
    [
        {"area": "610103"},
        {"area": "610103", "kind": "deregistered", "_export": "csv"},
        {"area": "610103", "kind": "org_covered_lost", "_export": "xlsx"},
        {"area": "nowhere"},
        {"unit": "999999"},
    ],
)
def test_another_districts_rows_cannot_be_asked_for(login, yanta_user, changed, params):
    assert login(yanta_user).get(CHANGES, params).status_code == 404


def test_the_lawyers_cannot_ask_for_another_unit(login, lawyers_user, changed, culture, beilin):
    client = login(lawyers_user)
    assert client.get(CHANGES, {"unit": culture.pk}).status_code == 404
    # Any district, but only their own industry in it.
    response = client.get(CHANGES, {"area": beilin.code, "kind": "deregistered"})
    assert listed(response) == {"L 律师事务所（注销）"}


def test_the_district_official_exports_only_their_rows(login, beilin_user, changed):
    response = login(beilin_user).get(CHANGES, {"kind": "registered", "_export": "csv"})
    assert {line.split(",")[0] for line in export_lines(response)[1:]} == {"N1 协会", "N3 协会（当年注销）"}


def test_a_user_without_a_role_is_refused(client, changed, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get(CHANGES).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, changed):
    response = client.get(CHANGES)
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("role", ["beilin_user", "yanta_user", "lawyers_user", "staff_user", "leader_user"])
def test_every_link_and_form_on_the_page_answers(request, login, changed, role):
    """What the site crawl would check, were the page linked from it yet."""
    client = login(request.getfixturevalue(role))
    for kind in ("registered", "org_covered_lost", "party_established", "instructor_ended"):
        page = client.get(CHANGES, {"period": "2020H2", "kind": kind})
        parser = PageParser()
        parser.feed(page.content.decode())
        links = {href for href in parser.links if href.startswith(("/", "?")) and not href.startswith("/i18n/")}
        for href in links:
            target = href if href.startswith("/") else CHANGES + href
            response = client.get(target)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            assert response.status_code == 200, (role, kind, href, response.status_code)
        forms = [form for form in parser.forms if form.method == "get" and not form.action]
        assert len(forms) == 1
        assert client.get(CHANGES, dict(forms[0].fields)).status_code == 200


# --------------------------------------------------------------------------
# Cost
# --------------------------------------------------------------------------

# Session, user, the area and unit choices, the half-year choices, the
# counts the recount stored with the scope's snapshot (one row), the list's
# capped count of its keys and its page of rows. A district official's area
# (or an industry committee's unit), which scopes the rows and names the
# user, is one more.
PAGE_QUERIES = 8


def _grow(area, unit, n: int) -> None:
    """n more organisations registered in 2020H2, each with an instructor who
    came and went, every other one with a branch set up."""
    for i in range(n):
        organization = SocialOrganizationFactory(
            area=area, supervising_unit=unit, registered_on="2020-09-01", formal_party_members=3
        )
        InstructorAssignmentFactory(organization=organization, started_on="2020-09-02", ended_on="2020-10-01")
        if i % 2:
            PartyOrganizationFactory(
                area=area,
                supervising_unit=unit,
                established_on="2020-09-03",
                term_due_on="2023-09-03",
                organizations=[organization],
            )


# A district official's list is also narrowed to the keys of their areas that
# hold rows (coverage.changes.selectors._in_scope): one query more.
@pytest.mark.parametrize(("user", "extra"), [("staff_user", 0), ("beilin_user", 2), ("lawyers_user", 1)])
@pytest.mark.parametrize("kind", ["registered", "work_covered_lost", "party_established", "instructor_started"])
def test_the_page_takes_a_fixed_number_of_queries(
    request, login, changed, beilin, justice, user, extra, kind, django_assert_num_queries
):
    client = login(request.getfixturevalue(user))
    params = {"period": "2020H2", "kind": kind}
    _grow(beilin, justice, 2)
    recount_all()
    with django_assert_num_queries(PAGE_QUERIES + extra):
        response = client.get(CHANGES, params)
    assert response.context["kind_count"] > 0
    _grow(beilin, justice, 30)
    with django_assert_num_queries(PAGE_QUERIES + extra):
        response = client.get(CHANGES, params)
    assert response.status_code == 200
    # An area named in the URL is read once more to check it. No snapshot has
    # an industry committee's unit within one area: those counts come from
    # the records, three queries for the one stored row, and the list is not
    # counted again.
    # An area in the URL narrows by its keys too: once for the list, and once
    # for each of the three counts when they come from the records. A district
    # official's own area was narrowed already.
    live = 1 if user == "lawyers_user" else 0
    keys = 0 if user == "beilin_user" else 1 + 3 * live
    with django_assert_num_queries(PAGE_QUERIES + extra + 1 + live + keys):
        response = client.get(CHANGES, {**params, "area": beilin.code})
    assert response.context["kind_count"] > 0


def test_the_page_speaks_chinese(login, beilin_user, changed):
    client = login(beilin_user)
    html = client.get(CHANGES, {"period": "2020H2"}).content.decode()
    for text in ("较上半年变动明细", "新登记", "失去工作覆盖", "新增应建未建", "党建指导员离任", "净变动"):
        assert text in html, text
