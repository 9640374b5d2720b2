"""The early-warning pages: scope, filters, export, rectification, query counts."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from coverage.models import EarlyWarning
from coverage.warnings.scan import warning_scan
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from political.models import PoliticalBuilding
from xian_partybuild import clock

pytestmark = pytest.mark.django_db

TODAY = dt.date(2021, 1, 15)
LIST = reverse("coverage:warning-list")
Rule = EarlyWarning.Rule


def detail_url(warning) -> str:
    return reverse("coverage:warning-detail", kwargs={"pk": warning.pk})


def rectify_url(warning) -> str:
    return reverse("coverage:warning-rectify", kwargs={"pk": warning.pk})


@pytest.fixture
def scanned(dataset):
    """The dataset scanned on 2021-01-15: the A, B/C and H branches have no
    recorded activity, H's branch outlived H, C and G must establish. A's
    charter carries party building, so A raises no charter warning."""
    PoliticalBuilding.objects.create(organization=dataset.a, charter_on=dt.date(2019, 6, 1))
    warning_scan(today=TODAY)
    return dataset


def subject(warning) -> str:
    return (warning.party_organization or warning.organization).name


def listed(response) -> list[EarlyWarning]:
    return [row.record for row in response.context["table"].rows]


def subjects(response) -> set[tuple[str, str]]:
    return {(w.rule, subject(w)) for w in listed(response)}


def export_rows(response) -> list[str]:
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    return [line for line in text.splitlines() if line]


BEILIN_SUBJECTS = {
    (Rule.NO_ACTIVITY, "A 协会党支部"),
    (Rule.NO_ACTIVITY, "B、C 联合党支部"),
    (Rule.NO_ACTIVITY, "H 协会党支部"),
    (Rule.DEREGISTERED_ACTIVE, "H 协会党支部"),
    (Rule.MUST_ESTABLISH, "C 服务中心"),
}
YANTA_SUBJECTS = {(Rule.MUST_ESTABLISH, "G 律师事务所")}


# --- The list --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("staff_user", BEILIN_SUBJECTS | YANTA_SUBJECTS),
        ("leader_user", BEILIN_SUBJECTS | YANTA_SUBJECTS),
        ("beilin_user", BEILIN_SUBJECTS),
        ("yanta_user", YANTA_SUBJECTS),
        ("lawyers_user", YANTA_SUBJECTS),  # G's supervising unit is the justice bureau
    ],
)
def test_list_is_scoped(request, login, scanned, user, expected):
    response = login(request.getfixturevalue(user)).get(LIST)
    assert response.status_code == 200
    assert subjects(response) == expected
    assert response.context["table"].paginator.count == len(expected)


def test_list_requires_login(client, scanned):
    response = client.get(LIST)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_rows_link_to_the_record_and_to_the_warning(login, staff_user, scanned):
    response = login(staff_user).get(LIST)
    html = response.content.decode()
    for warning in EarlyWarning.objects.all():
        record = warning.party_organization or warning.organization
        assert f'href="{record.get_absolute_url()}"' in html
        assert f'href="{detail_url(warning)}"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rule=must_establish", {(Rule.MUST_ESTABLISH, "C 服务中心"), (Rule.MUST_ESTABLISH, "G 律师事务所")}),
        ("rule=deregistered_active", {(Rule.DEREGISTERED_ACTIVE, "H 协会党支部")}),
        ("status=closed", set()),
        ("status=open", BEILIN_SUBJECTS | YANTA_SUBJECTS),
        ("q=H 协会", {(Rule.NO_ACTIVITY, "H 协会党支部"), (Rule.DEREGISTERED_ACTIVE, "H 协会党支部")}),
    ],
)
def test_list_filters(login, staff_user, scanned, query, expected):
    assert subjects(login(staff_user).get(f"{LIST}?{query}")) == expected


def test_area_and_unit_filters(login, staff_user, scanned, yanta, justice):
    client = login(staff_user)
    assert subjects(client.get(LIST, {"area": yanta.pk})) == YANTA_SUBJECTS
    assert subjects(client.get(LIST, {"supervising_unit": justice.pk})) == YANTA_SUBJECTS


def test_closed_warnings_can_be_listed(login, staff_user, scanned):
    scanned.p_h.organizations.clear()
    warning_scan(today=TODAY + dt.timedelta(days=1))
    response = login(staff_user).get(LIST, {"status": "closed"})
    assert subjects(response) == {(Rule.DEREGISTERED_ACTIVE, "H 协会党支部")}


def test_area_filter_offers_only_the_users_areas(login, beilin_user, scanned, beilin, yanta):
    response = login(beilin_user).get(LIST)
    offered = set(response.context["filter"].form.fields["area"].queryset)
    assert offered == {beilin}
    # Asking for another district's area is an invalid choice, not a peek into it.
    assert listed(login(beilin_user).get(LIST, {"area": yanta.pk})) == []


def test_list_sorts_only_by_indexed_dates(login, staff_user, scanned):
    client = login(staff_user)
    table = client.get(LIST).context["table"]
    assert {column.name for column in table.columns if column.orderable} == {"opened_on", "rectification_due_on"}
    newest = listed(client.get(LIST))
    assert [w.opened_on for w in newest] == sorted((w.opened_on for w in newest), reverse=True)
    # Each sort ends with the key: the two directions are exact mirrors.
    for column in ("opened_on", "rectification_due_on"):
        up = [w.pk for w in listed(client.get(LIST, {"sort": column}))]
        down = [w.pk for w in listed(client.get(LIST, {"sort": f"-{column}"}))]
        assert up == down[::-1] and len(up) == 6


def test_search_finds_party_organisations_and_organisations(login, staff_user, scanned):
    client = login(staff_user)
    # Both kinds of record in one search: H's branch and C and G themselves.
    found = subjects(client.get(LIST, {"q": "H"})) | subjects(client.get(LIST, {"q": "务"}))
    assert found == {
        (Rule.NO_ACTIVITY, "H 协会党支部"),
        (Rule.DEREGISTERED_ACTIVE, "H 协会党支部"),
        (Rule.MUST_ESTABLISH, "C 服务中心"),
        (Rule.MUST_ESTABLISH, "G 律师事务所"),
    }
    assert subjects(client.get(LIST, {"q": "服务中心"})) == {(Rule.MUST_ESTABLISH, "C 服务中心")}


# --- Export ------------------------------------------------------------------------


def test_csv_export_is_scoped_and_plain(login, yanta_user, scanned):
    response = login(yanta_user).get(LIST, {"_export": "csv"})
    assert response.status_code == 200
    lines = export_rows(response)
    assert len(lines) == 1 + len(YANTA_SUBJECTS)
    assert "G 律师事务所" in lines[1] and "<a" not in lines[1]


def test_xlsx_export_has_every_filtered_row(login, staff_user, scanned):
    response = login(staff_user).get(LIST, {"_export": "xlsx", "rule": "no_activity"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = openpyxl.load_workbook(io.BytesIO(content))
    rows = list(book.active.iter_rows(values_only=True))
    expected = EarlyWarning.objects.filter(rule=Rule.NO_ACTIVITY).count()
    assert len(rows) == 1 + expected == 4


def test_export_of_another_district_is_empty(login, yanta_user, scanned, beilin):
    response = login(yanta_user).get(LIST, {"_export": "csv", "area": beilin.pk})
    assert len(export_rows(response)) == 1  # the header only


def test_unfiltered_export_holds_only_the_users_district(login, yanta_user, scanned):
    # No filter to lean on: only for_user() keeps Beilin's warnings out.
    rows = export_rows(login(yanta_user).get(LIST, {"_export": "csv"}))
    expected = EarlyWarning.objects.filter(area__name="雁塔区").count()
    assert expected > 0 and len(rows) - 1 == expected
    assert EarlyWarning.objects.exclude(area__name="雁塔区").exists()


# --- The warning page -----------------------------------------------------------------


@pytest.fixture
def c_warning(scanned):
    return EarlyWarning.objects.get(rule=Rule.MUST_ESTABLISH, organization=scanned.c)


def test_warning_page_shows_rule_record_and_form(login, beilin_user, c_warning):
    response = login(beilin_user).get(detail_url(c_warning))
    assert response.status_code == 200
    assert response.context["record"] == c_warning.organization
    assert set(response.context["form"].fields) == {"note", "started_on", "due_on"}
    html = response.content.decode()
    assert f'href="{c_warning.organization.get_absolute_url()}"' in html
    assert f'action="{rectify_url(c_warning)}"' in html
    assert 'data-rule="must_establish"' in html


def test_leader_reads_the_page_without_a_form(login, leader_user, c_warning):
    response = login(leader_user).get(detail_url(c_warning))
    assert response.status_code == 200
    assert "form" not in response.context
    assert f'action="{rectify_url(c_warning)}"' not in response.content.decode()


@pytest.mark.parametrize("user", ["yanta_user", "lawyers_user"])
def test_another_scopes_warning_is_404(request, login, user, c_warning):
    assert login(request.getfixturevalue(user)).get(detail_url(c_warning)).status_code == 404


# --- Rectification ----------------------------------------------------------------------


def test_rectify_saves_and_returns_to_the_page(login, beilin_user, c_warning):
    today = clock.today()
    due = today + dt.timedelta(30)
    data = {"note": "已召开党员大会筹备组建", "started_on": today.isoformat(), "due_on": due.isoformat()}
    response = login(beilin_user).post(rectify_url(c_warning), data)
    assert response.status_code == 302 and response["Location"] == detail_url(c_warning)
    c_warning.refresh_from_db()
    assert c_warning.rectification_note == data["note"]
    assert (c_warning.rectification_started_on, c_warning.rectification_due_on) == (today, due)
    assert c_warning.rectification_updated_by == beilin_user


def test_the_form_shows_the_rectification_already_saved(login, beilin_user, c_warning):
    # Coming back to a warning, the official edits what was recorded, not an empty form.
    today = clock.today()
    due = today + dt.timedelta(30)
    note = "已约谈负责人，筹备组建党支部"
    client = login(beilin_user)
    client.post(rectify_url(c_warning), {"note": note, "started_on": today.isoformat(), "due_on": due.isoformat()})
    response = client.get(detail_url(c_warning))
    form = response.context["form"]
    assert (form["note"].value(), form["started_on"].value(), form["due_on"].value()) == (note, today, due)
    html = response.content.decode()
    assert f"{note}</textarea>" in html
    assert f'value="{today.isoformat()}"' in html and f'value="{due.isoformat()}"' in html


def test_the_rectify_address_opened_in_a_browser_leads_to_the_warning(login, beilin_user, yanta_user, c_warning):
    response = login(beilin_user).get(rectify_url(c_warning))
    assert response.status_code == 302 and response["Location"] == detail_url(c_warning)
    c_warning.refresh_from_db()
    assert c_warning.rectification_note == ""
    assert login(yanta_user).get(rectify_url(c_warning)).status_code == 404


def test_rectify_errors_are_shown_on_the_fields(login, beilin_user, c_warning):
    today = clock.today()
    data = {"note": "x", "started_on": today.isoformat(), "due_on": (today - dt.timedelta(1)).isoformat()}
    response = login(beilin_user).post(rectify_url(c_warning), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"due_on"}
    assert 'id="id_due_on_error"' in response.content.decode()
    c_warning.refresh_from_db()
    assert c_warning.rectification_note == ""


def test_rectify_form_requires_a_note(login, beilin_user, c_warning):
    response = login(beilin_user).post(rectify_url(c_warning), {"note": "", "started_on": "", "due_on": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"note"}


def test_leader_may_not_rectify(login, leader_user, c_warning):
    response = login(leader_user).post(rectify_url(c_warning), {"note": "x"})
    assert response.status_code == 403
    c_warning.refresh_from_db()
    assert c_warning.rectification_note == ""


@pytest.mark.parametrize("user", ["yanta_user", "lawyers_user"])
def test_rectify_another_scopes_warning_is_404(request, login, user, c_warning):
    response = login(request.getfixturevalue(user)).post(rectify_url(c_warning), {"note": "x"})
    assert response.status_code == 404
    c_warning.refresh_from_db()
    assert c_warning.rectification_note == ""


# --- Query count ---------------------------------------------------------------------------


def _make_warnings(area, n: int) -> None:
    """n warnings, half about party organisations and half about organisations,
    so that both record links are rendered."""
    for i in range(n):
        if i % 2:
            PartyOrganizationFactory(
                area=area,
                secretary="",
                established_on=TODAY - dt.timedelta(400),
                term_due_on=TODAY + dt.timedelta(400),
                last_activity_on=TODAY - dt.timedelta(10),
            )
        else:
            SocialOrganizationFactory(area=area, registered_on=TODAY - dt.timedelta(30), setup_contact="")
    warning_scan(today=TODAY)


# Session, user, the row count, the page of rows with every related record
# joined, the area and the unit choices of the filter; a district official's
# area (scope) and the keys of its areas that hold warnings (the area filter).
LIST_QUERIES = 8


@pytest.mark.parametrize("user", ["beilin_user", "staff_user"])
def test_list_query_count_does_not_grow_with_the_rows(request, login, beilin, user, django_assert_num_queries):
    client = login(request.getfixturevalue(user))
    expected = LIST_QUERIES if user == "beilin_user" else LIST_QUERIES - 2  # staff: no area to load
    _make_warnings(beilin, 5)
    with django_assert_num_queries(expected):
        response = client.get(LIST, {"per_page": 100})
    assert len(listed(response)) == EarlyWarning.objects.count() == 5
    _make_warnings(beilin, 45)
    with django_assert_num_queries(expected):
        response = client.get(LIST, {"per_page": 100})
    assert len(listed(response)) == EarlyWarning.objects.count() == 50


def test_list_as_of_a_half_year_keeps_its_query_count(login, staff_user, beilin, django_assert_num_queries):
    client = login(staff_user)
    _make_warnings(beilin, 5)
    with django_assert_num_queries(LIST_QUERIES - 2):
        client.get(LIST, {"per_page": 100, "period": "2021H1"})
    _make_warnings(beilin, 45)
    with django_assert_num_queries(LIST_QUERIES - 2):
        response = client.get(LIST, {"per_page": 100, "period": "2021H1"})
    # Opened on 15 January 2021: all open at 2021H1's end.
    assert len(listed(response)) == 50 and response.context["as_of"] is not None


# Session, user, one row count for the page's table and one for the export's
# (ExportMixin builds the table twice), the rows, the audit log's entry. No
# filter choices: no form.
EXPORT_QUERIES = 6


def test_export_query_count_does_not_grow_with_the_rows(login, staff_user, beilin, django_assert_num_queries):
    client = login(staff_user)
    _make_warnings(beilin, 5)
    with django_assert_num_queries(EXPORT_QUERIES):
        assert len(export_rows(client.get(LIST, {"_export": "csv"}))) == 1 + 5
    _make_warnings(beilin, 45)
    with django_assert_num_queries(EXPORT_QUERIES):
        assert len(export_rows(client.get(LIST, {"_export": "csv"}))) == 1 + 50
