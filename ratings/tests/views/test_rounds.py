"""Round pages: the rounds, opening and editing one, its summary and movers
(with their exports), and the entry table."""

from __future__ import annotations

import pytest
from django.urls import reverse

from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from ratings import selectors
from ratings.models import Evaluation, EvaluationEvent, Round
from ratings.tests.factories import make_evaluation, points_for

from .pages import csv_rows

pytestmark = pytest.mark.django_db

State = Evaluation.State


# --------------------------------------------------------------------------
# Rounds and summaries
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ratings:round-create", "ratings:round-update"])
def test_only_city_staff_manage_rounds(login, beilin_user, staff_user, round_2020, name):
    url = reverse(name, args=[2020] if name.endswith("update") else [])
    assert login(beilin_user).get(url).status_code == 403
    assert login(staff_user).get(url).status_code == 200


def test_round_summary_page(login, staff_user, rated):
    response = login(staff_user).get(reverse("ratings:round-summary", args=[2020]))
    summary = response.context["summary"]
    assert (summary["evaluations"], summary["four_star_named"], summary["five_star_certified"]) == (4, 2, 0)
    page = response.content.decode()
    assert 'data-figure="four_star_named"' in page and 'data-figure="province_share"' in page
    assert login(staff_user).get(reverse("ratings:round-summary", args=[1999])).status_code == 404


def test_staff_open_a_round_and_enter_the_province_total(login, staff_user, round_2020):
    client = login(staff_user)
    response = client.post(reverse("ratings:round-create"), {"year": 2021})
    assert response.status_code == 302 and Round.objects.get(year=2021).items.count() == 7
    response = client.post(reverse("ratings:round-create"), {"year": 2021})
    assert response.status_code == 200 and response.context["form"].errors["year"]
    client.post(reverse("ratings:round-update", args=[2020]), {"province_five_star_total": 61, "status": "closed"})
    round_2020.refresh_from_db()
    assert (round_2020.province_five_star_total, round_2020.status) == (61, "closed")


def test_round_list_counts_only_the_users_evaluations(login, beilin_user, yanta_user, rated):
    def counts(user):
        response = login(user).get(reverse("ratings:round-list"))
        return {row.record.year: row.record.evaluation_count for row in response.context["table"].rows}

    assert counts(beilin_user) == {2020: 3, 2019: 1}
    assert counts(yanta_user) == {2020: 1, 2019: 0}


def test_summary_export_is_scoped(login, beilin_user, yanta_user, rated):
    url = reverse("ratings:round-summary", args=[2020]) + "?_export=csv"
    rows = csv_rows(login(beilin_user).get(url))
    assert [r[0] for r in rows[1:]] == ["碑林区"]
    assert [r[0] for r in csv_rows(login(yanta_user).get(url))[1:]] == ["雁塔区"]


def test_movers_export_is_scoped(login, beilin_user, yanta_user, rated):
    url = reverse("ratings:round-movers", args=[2020]) + "?_export=csv"
    assert [r[0] for r in csv_rows(login(beilin_user).get(url))[1:]] == ["A 协会党支部"]
    assert csv_rows(login(yanta_user).get(url))[1:] == []


# --------------------------------------------------------------------------
# The round entry table
# --------------------------------------------------------------------------


def _row(party, points: dict, evidence: str = "") -> dict:
    data = {f"row-{party.pk}-p_{code}": value for code, value in points.items()}
    data[f"row-{party.pk}-evidence"] = evidence
    return data


def test_entry_saves_valid_rows_and_holds_invalid_ones(login, staff_user, dataset, law_party, round_2020):
    url = reverse("ratings:round-entry", args=[2020])
    client = login(staff_user)
    response = client.get(url)
    parties = [row["party"].name for row in response.context["rows"]]
    # Only ratable ones: not the dissolved p_f, not p_h (its organisation is deregistered).
    assert set(parties) == {"A 协会党支部", "B、C 联合党支部", "碑林律所党支部"}

    bad = points_for(round_2020, 80)
    bad["setup"] = "12"  # 0–10
    bad["life"] = "x"
    data = {
        "action": "save",
        **_row(dataset.p_a, points_for(round_2020, 85), "台账齐全"),
        **_row(dataset.joint, bad, "待核实"),
        **_row(law_party, dict.fromkeys(bad, "")),  # left empty
    }
    response = client.post(url, data)
    assert response.status_code == 200
    rows = {row["party"].name: row for row in response.context["rows"]}
    held = rows["B、C 联合党支部"]["form"]
    assert set(held.errors) == {"p_setup", "p_life"}
    page = response.content.decode()
    # What was typed is shown again, wrong values included.
    assert f'name="row-{dataset.joint.pk}-p_setup" value="12"' in page
    assert f'name="row-{dataset.joint.pk}-p_life" value="x"' in page
    assert 'value="待核实"' in page
    assert f'id="id_row-{dataset.joint.pk}-p_setup_error"' in page
    assert rows["A 协会党支部"].get("saved")
    saved = Evaluation.objects.get(party_organization=dataset.p_a)
    assert (saved.total, saved.stars, saved.state, saved.evidence) == (85, 4, State.DRAFT, "台账齐全")
    assert not Evaluation.objects.filter(party_organization__in=[dataset.joint, law_party]).exists()

    # Corrected and saved again: the unchanged row writes nothing more.
    fixed = points_for(round_2020, 78)
    data.update(_row(dataset.joint, fixed, "待核实"))
    response = client.post(url, data)
    assert response.status_code == 302
    assert Evaluation.objects.get(party_organization=dataset.joint).total == 78
    assert EvaluationEvent.objects.filter(evaluation=saved).count() == 1


def test_entry_partial_row_asks_for_every_item(login, staff_user, dataset, round_2020):
    points = points_for(round_2020, 80)
    points["members"] = ""
    response = login(staff_user).post(reverse("ratings:round-entry", args=[2020]), _row(dataset.p_a, points))
    assert list(response.context["rows"][0]["form"].errors) == ["p_members"]


def test_entry_save_and_submit(login, beilin_user, dataset, round_2020):
    response = login(beilin_user).post(
        reverse("ratings:round-entry", args=[2020]),
        {"action": "submit", **_row(dataset.p_a, points_for(round_2020, 77))},
    )
    assert response.status_code == 302
    assert Evaluation.objects.get(party_organization=dataset.p_a).state == State.SUBMITTED


def test_entry_rows_the_user_may_not_edit_are_read_only(login, beilin_user, rated, dataset, round_2020):
    url = reverse("ratings:round-entry", args=[2020])
    response = login(beilin_user).get(url)
    rows = {row["party"].name: row for row in response.context["rows"]}
    # Approved and submitted evaluations are the city's now; the draft is still the district's.
    assert not rows["A 协会党支部"]["editable"] and not rows["B、C 联合党支部"]["editable"]
    assert rows["碑林律所党支部"]["editable"]
    login(beilin_user).post(url, _row(dataset.p_a, points_for(round_2020, 60)))
    rated["p_a"].refresh_from_db()
    assert rated["p_a"].total == 85


def test_entry_filters_by_area_and_pages(login, staff_user, dataset, yanta_party, round_2020, beilin):
    url = reverse("ratings:round-entry", args=[2020])
    client = login(staff_user)
    response = client.get(url + f"?area={dataset.g.area.pk}")
    assert [row["party"].name for row in response.context["rows"]] == ["G 律师事务所党支部"]
    for n in range(25):
        PartyOrganizationFactory(
            name=f"批量{n:02d}", area=beilin, organizations=[SocialOrganizationFactory(area=beilin)]
        )
    response = client.get(url + f"?area={beilin.pk}")
    # A and B、C are Beilin's too: 27 rows, by name.
    assert len(response.context["rows"]) == 25 and response.context["page_obj"].paginator.num_pages == 2
    assert [row["party"].name for row in response.context["rows"]][:3] == ["A 协会党支部", "B、C 联合党支部", "批量00"]
    response = client.get(url + f"?area={beilin.pk}&page=2")
    assert [row["party"].name for row in response.context["rows"]] == ["批量23", "批量24"]


def test_entry_district_sees_only_its_rows(login, yanta_user, dataset, yanta_party, round_2020):
    response = login(yanta_user).get(reverse("ratings:round-entry", args=[2020]))
    assert [row["party"].name for row in response.context["rows"]] == ["G 律师事务所党支部"]
    # A posted row for another district's party organisation is not on the page: ignored.
    login(yanta_user).post(reverse("ratings:round-entry", args=[2020]), _row(dataset.p_a, points_for(round_2020, 80)))
    assert not Evaluation.objects.filter(party_organization=dataset.p_a).exists()


def test_closed_round_entry_is_read_only(login, staff_user, dataset, round_2019):
    url = reverse("ratings:round-entry", args=[2019])
    response = login(staff_user).get(url)
    assert all(not row["editable"] for row in response.context["rows"])
    assert 'id="entry-save"' not in response.content.decode()


def test_entry_form_does_not_submit_on_enter(login, staff_user, dataset, round_2020):
    page = login(staff_user).get(reverse("ratings:round-entry", args=[2020])).content.decode()
    form = page[page.index('id="entry-form"') :]
    # The first submit button, the one Enter would press, is disabled.
    first_button = form[form.index("<button") : form.index("</button>")]
    assert "disabled" in first_button
    assert 'inputmode="numeric"' in form


def test_entry_query_count_does_not_grow_with_rows(login, staff_user, beilin, round_2020, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            party = PartyOrganizationFactory(area=beilin, organizations=[SocialOrganizationFactory(area=beilin)])
            make_evaluation(party, round_2020, state=State.DRAFT, total=70)

    client = login(staff_user)
    url = reverse("ratings:round-entry", args=[2020])
    add(3)
    # session, user, round, count, page of party organisations, their evaluations, scores, round items, areas
    with django_assert_num_queries(9):
        assert len(client.get(url).context["rows"]) == 3
    add(17)
    with django_assert_num_queries(9):
        assert len(client.get(url).context["rows"]) == 20


# --------------------------------------------------------------------------
# The round pages read the rating tally
# --------------------------------------------------------------------------

FIGURES = ("evaluations", "decided", "four_star_named", "five_star_certified", "sent_to_province", "province_share")


def test_round_pages_agree_with_the_records_for_every_scope(
    login, staff_user, beilin_user, yanta_user, lawyers_user, rated, round_2020
):
    url = reverse("ratings:round-summary", args=[2020])
    for user in (staff_user, beilin_user, yanta_user, lawyers_user):
        response = login(user).get(url)
        records = selectors.round_summary(round_2020, Evaluation.objects.for_user(user))
        shown = response.context["summary"]
        assert {k: shown[k] for k in FIGURES} == {k: records[k] for k in FIGURES}, user.username
        assert shown["by_stars"] == records["by_stars"] and shown["by_state"] == records["by_state"]
        by_area = selectors.round_summary_by_area(round_2020, Evaluation.objects.for_user(user))
        assert [dict(row.record) for row in response.context["table"].rows] == [dict(row) for row in by_area]
        listed = login(user).get(reverse("ratings:round-list")).context["table"].rows
        counted = {row.record.year: row.record.evaluation_count for row in listed}
        assert counted[2020] == records["evaluations"]


def test_round_pages_cost_the_same_for_any_number_of_evaluations(
    login, staff_user, beilin, round_2019, round_2020, django_assert_num_queries
):
    client = login(staff_user)

    def add(n):
        for _ in range(n):
            party = PartyOrganizationFactory(area=beilin, organizations=[SocialOrganizationFactory(area=beilin)])
            make_evaluation(party, round_2020, state=State.APPROVED, total=85)

    add(2)
    # session, user, the round, its figures by area, its figures, whether the
    # user may edit it (the page's button), the rounds to choose from
    with django_assert_num_queries(7):
        client.get(reverse("ratings:round-summary", args=[2020]))
    # session, user, the counts per round, the rounds
    with django_assert_num_queries(4):
        client.get(reverse("ratings:round-list"))
    add(20)
    with django_assert_num_queries(7):
        response = client.get(reverse("ratings:round-summary", args=[2020]))
    assert response.context["summary"]["evaluations"] == 22
    with django_assert_num_queries(4):
        client.get(reverse("ratings:round-list"))
