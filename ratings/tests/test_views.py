from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from ratings.models import Evaluation, EvaluationEvent, Pairing, Round
from ratings.tests.factories import make_evaluation, points_for

pytestmark = pytest.mark.django_db

State = Evaluation.State
LIST = reverse("ratings:evaluation-list")
PAIRINGS = reverse("ratings:pairing-list")


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_content(response).decode("utf-8"))))


def _names(response) -> set[str]:
    return {row.record.party_organization.name for row in response.context["table"].page.object_list}


@pytest.fixture
def rated(dataset, law_party, yanta_party, round_2019, round_2020):
    """Beilin: p_a 4★ approved (3★ in 2019), joint submitted, law_party draft; Yanta: G approved 5★ → sent."""
    return {
        "p_a_2019": make_evaluation(dataset.p_a, round_2019, state=State.APPROVED, total=75),
        "p_a": make_evaluation(dataset.p_a, round_2020, state=State.APPROVED, total=85),
        "joint": make_evaluation(dataset.joint, round_2020, state=State.SUBMITTED, total=66),
        "law": make_evaluation(law_party, round_2020, state=State.DRAFT, total=71),
        "g": make_evaluation(yanta_party, round_2020, state=State.APPROVED, total=95),
    }


@pytest.fixture
def pairing(rated, dataset, staff_user):
    return Pairing.objects.create(
        partner=dataset.p_a,
        party_organization=dataset.joint,
        partner_stars=4,
        reason=Pairing.Reason.UNRATED,
        started_on=dt.date(2020, 6, 1),
        goals="规范三会一课",
        created_by=staff_user,
    )


def _evaluation_urls(evaluation) -> list[str]:
    pk = evaluation.pk
    return [
        reverse("ratings:evaluation-detail", args=[pk]),
        reverse("ratings:evaluation-scores", args=[pk]),
        *[
            reverse("ratings:evaluation-transition", args=[pk, a])
            for a in ("submit", "return", "approve", "send_to_province", "certify", "not_certify")
        ],
    ]


# --------------------------------------------------------------------------
# Scope
# --------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client, rated, pairing):
    urls = [
        LIST,
        PAIRINGS,
        reverse("ratings:round-list"),
        reverse("ratings:round-summary", args=[2020]),
        reverse("ratings:round-entry", args=[2020]),
        reverse("ratings:round-movers", args=[2020]),
        reverse("ratings:pairing-detail", args=[pairing.pk]),
        *_evaluation_urls(rated["p_a"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_district_lists_only_its_evaluations(login, beilin_user, rated):
    response = login(beilin_user).get(LIST)
    assert _names(response) == {"A 协会党支部", "B、C 联合党支部", "碑林律所党支部"}


def test_industry_lists_only_its_industry(login, lawyers_user, rated):
    assert _names(login(lawyers_user).get(LIST)) == {"碑林律所党支部", "G 律师事务所党支部"}


def test_another_districts_evaluation_is_404_on_every_url(login, yanta_user, beilin_user, rated):
    client = login(yanta_user)
    detail, *writes = _evaluation_urls(rated["p_a"])
    assert client.get(detail).status_code == 404
    for url in writes:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x", "on": "2020-12-10"}).status_code == 404, url
    rated["p_a"].refresh_from_db()
    assert rated["p_a"].state == State.APPROVED
    # Their own is there.
    assert client.get(reverse("ratings:evaluation-detail", args=[rated["g"].pk])).status_code == 200


def test_another_districts_pairing_is_404(login, yanta_user, beilin_user, pairing):
    for name in ("pairing-detail", "pairing-update"):
        url = reverse(f"ratings:{name}", args=[pairing.pk])
        assert login(yanta_user).get(url).status_code == 404
        assert login(beilin_user).get(url).status_code == 200
    assert (
        login(yanta_user)
        .post(reverse("ratings:pairing-update", args=[pairing.pk]), {"status": "ended", "progress_notes": "x"})
        .status_code
        == 404
    )


def test_a_pairing_is_seen_from_both_sides(login, yanta_user, rated, dataset, yanta_party):
    cross = Pairing.objects.create(
        partner=yanta_party,
        party_organization=dataset.joint,
        partner_stars=4,
        reason=Pairing.Reason.UNRATED,
        started_on=dt.date(2020, 6, 1),
        goals="跨区结对",
    )
    assert login(yanta_user).get(reverse("ratings:pairing-detail", args=[cross.pk])).status_code == 200


def test_only_the_helped_side_changes_a_pairing(login, yanta_user, beilin_user, rated, dataset, yanta_party):
    from django.core.exceptions import PermissionDenied

    from ratings import services

    cross = Pairing.objects.create(
        partner=yanta_party,
        party_organization=dataset.joint,
        partner_stars=4,
        reason=Pairing.Reason.UNRATED,
        started_on=dt.date(2020, 6, 1),
        goals="跨区结对",
    )
    url = reverse("ratings:pairing-update", args=[cross.pk])
    response = login(yanta_user).post(url, {"progress_notes": "改写", "status": "ended"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.pairing_update(actor=yanta_user, pairing=cross, progress_notes="改写", status="ended")
    cross.refresh_from_db()
    assert (cross.status, cross.progress_notes) == (Pairing.Status.ACTIVE, "")
    assert login(beilin_user).get(url).status_code == 200


def test_evaluation_export_holds_only_the_users_rows(login, beilin_user, yanta_user, rated):
    rows = _csv(login(beilin_user).get(LIST + "?_export=csv"))
    assert {r[0] for r in rows[1:]} == {"A 协会党支部", "B、C 联合党支部", "碑林律所党支部"}
    response = login(yanta_user).get(LIST + "?_export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(_content(response))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["G 律师事务所党支部"]


def test_movers_export_is_scoped(login, beilin_user, yanta_user, rated):
    url = reverse("ratings:round-movers", args=[2020]) + "?_export=csv"
    assert [r[0] for r in _csv(login(beilin_user).get(url))[1:]] == ["A 协会党支部"]
    assert _csv(login(yanta_user).get(url))[1:] == []


def test_summary_export_is_scoped(login, beilin_user, yanta_user, rated):
    url = reverse("ratings:round-summary", args=[2020]) + "?_export=csv"
    rows = _csv(login(beilin_user).get(url))
    assert [r[0] for r in rows[1:]] == ["碑林区"]
    assert [r[0] for r in _csv(login(yanta_user).get(url))[1:]] == ["雁塔区"]


def test_pairing_export_is_scoped(login, beilin_user, pairing, dataset, yanta_party, round_2020):
    Pairing.objects.create(
        partner=yanta_party,
        party_organization=PartyOrganizationFactory(area=yanta_party.area),
        partner_stars=5,
        reason=Pairing.Reason.UNRATED,
        started_on=dt.date(2020, 7, 1),
        goals="雁塔内部",
    )
    rows = _csv(login(beilin_user).get(PAIRINGS + "?_export=csv"))
    assert [r[0] for r in rows[1:]] == ["A 协会党支部"]


LEADER_POSTS = [
    ("ratings:evaluation-scores", "p_a", {}),
    *[
        ("ratings:evaluation-transition", "joint", {"action": a})
        for a in ("submit", "return", "approve", "send_to_province", "certify", "not_certify")
    ],
    ("ratings:round-create", None, {}),
    ("ratings:round-update", 2020, {}),
    ("ratings:round-entry", 2020, {}),
    ("ratings:pairing-create", None, {}),
    ("ratings:pairing-update", "pairing", {}),
]


@pytest.mark.parametrize(("name", "target", "extra"), LEADER_POSTS)
def test_leader_gets_403_on_every_post(login, leader_user, rated, pairing, name, target, extra):
    if target is None:
        args = []
    elif target == "pairing":
        args = [pairing.pk]
    elif isinstance(target, int):
        args = [target]
    else:
        args = [rated[target].pk, *extra.values()]
    response = login(leader_user).post(reverse(name, args=args), {"reason": "x", "year": 2021})
    assert response.status_code == 403
    assert EvaluationEvent.objects.count() == 0
    assert not Round.objects.filter(year=2021).exists()


def test_leader_reads_every_page(login, leader_user, rated, pairing):
    client = login(leader_user)
    for url in (
        LIST,
        PAIRINGS,
        reverse("ratings:round-list"),
        reverse("ratings:round-summary", args=[2020]),
        reverse("ratings:round-movers", args=[2020]),
        reverse("ratings:evaluation-detail", args=[rated["p_a"].pk]),
        reverse("ratings:pairing-detail", args=[pairing.pk]),
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("ratings:evaluation-detail", args=[rated["joint"].pk])).content.decode()
    assert "data-action=" not in page


@pytest.mark.parametrize("name", ["ratings:round-create", "ratings:round-update"])
def test_only_city_staff_manage_rounds(login, beilin_user, staff_user, round_2020, name):
    url = reverse(name, args=[2020] if name.endswith("update") else [])
    assert login(beilin_user).get(url).status_code == 403
    assert login(staff_user).get(url).status_code == 200


def test_district_cannot_approve_its_own_recommendation(login, beilin_user, rated):
    url = reverse("ratings:evaluation-transition", args=[rated["joint"].pk, "approve"])
    assert login(beilin_user).post(url).status_code == 403
    rated["joint"].refresh_from_db()
    assert rated["joint"].state == State.SUBMITTED


# --------------------------------------------------------------------------
# Query counts
# --------------------------------------------------------------------------


def _make_rows(area, round_2019, round_2020, weak, n):
    """n party organisations: 1★ in 2019, 4★ in 2020 (movers), each leading a pairing with `weak`."""
    for _ in range(n):
        party = PartyOrganizationFactory(area=area, organizations=[SocialOrganizationFactory(area=area)])
        make_evaluation(party, round_2019, state=State.APPROVED, total=40)
        make_evaluation(party, round_2020, state=State.APPROVED, total=85)
        Pairing.objects.create(
            partner=party,
            party_organization=weak,
            partner_stars=4,
            reason=Pairing.Reason.UNRATED,
            started_on=dt.date(2020, 6, 1),
            goals="x",
        )


# session, user, count, page of rows, area filter choices; the evaluation list
# also resolves ?round=2020 and lists the rounds to choose from, the movers
# page looks up its round.
@pytest.mark.parametrize(
    ("url", "queries"),
    [(LIST + "?round=2020", 7), (reverse("ratings:round-movers", args=[2020]) + "?", 6), (PAIRINGS + "?", 5)],
)
def test_list_query_count_is_the_same_for_5_and_50_rows(
    login, staff_user, beilin, round_2019, round_2020, url, queries, django_assert_num_queries
):
    weak = PartyOrganizationFactory(area=beilin, name="待帮扶党支部")
    client = login(staff_user)
    _make_rows(beilin, round_2019, round_2020, weak, 5)
    with django_assert_num_queries(queries):
        response = client.get(url + "&per_page=100")
    assert len(response.context["table"].page.object_list) == 5
    _make_rows(beilin, round_2019, round_2020, weak, 45)
    with django_assert_num_queries(queries):
        response = client.get(url + "&per_page=100")
    assert len(response.context["table"].page.object_list) == 50


def test_detail_query_count_does_not_grow_with_history(login, staff_user, rated, django_assert_num_queries):
    client = login(staff_user)
    url = reverse("ratings:evaluation-detail", args=[rated["joint"].pk])
    EvaluationEvent.objects.create(
        evaluation=rated["joint"],
        action="submit",
        actor=staff_user,
        to_state="submitted",
        total=66,
        stars=2,
    )
    # session, user, the evaluation with promotion, scores with items, history with actors, the round's items
    with django_assert_num_queries(6):
        client.get(url)
    for n in range(10):
        EvaluationEvent.objects.create(
            evaluation=rated["joint"],
            action="scored",
            actor=staff_user,
            to_state="submitted",
            total=66 + n,
            stars=2,
        )
    with django_assert_num_queries(6):
        client.get(url)


# --------------------------------------------------------------------------
# Evaluation pages
# --------------------------------------------------------------------------


def test_detail_shows_scores_promotion_history_and_allowed_actions(login, staff_user, beilin_user, rated):
    joint = rated["joint"]
    client = login(staff_user)
    client.post(reverse("ratings:evaluation-transition", args=[joint.pk, "return"]), {"reason": "请补充材料"})
    response = login(beilin_user).get(reverse("ratings:evaluation-detail", args=[joint.pk]))
    page = response.content.decode()
    assert response.context["object"].state == State.RETURNED
    assert 'data-action="submit"' in page and 'data-action="edit"' in page and 'data-action="approve"' not in page
    assert "请补充材料" in page
    assert [e["event"].action for e in response.context["history"]] == ["return"]
    assert len(response.context["scores"]) == 7

    response = login(staff_user).get(reverse("ratings:evaluation-detail", args=[rated["p_a"].pk]))
    assert response.context["object"].previous_stars == 3 and response.context["object"].movement == "up"
    assert 'data-movement="up"' in response.content.decode()


def test_return_needs_a_reason_on_the_form(login, staff_user, rated):
    url = reverse("ratings:evaluation-transition", args=[rated["joint"].pk, "return"])
    response = login(staff_user).post(url, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]


def test_staff_approve_then_send_to_the_province(login, staff_user, rated):
    client = login(staff_user)
    g = rated["g"]
    response = client.post(
        reverse("ratings:evaluation-transition", args=[g.pk, "send_to_province"]), {"on": "2020-12-10"}
    )
    assert response.status_code == 302
    g.refresh_from_db()
    assert (g.state, g.province_sent_on) == (State.SENT, dt.date(2020, 12, 10))
    response = client.post(
        reverse("ratings:evaluation-transition", args=[g.pk, "certify"]), {"on": "2020-12-28", "note": "验收通过"}
    )
    g.refresh_from_db()
    assert (g.state, g.final_stars) == (State.CERTIFIED, 5)


def test_refused_action_without_input_is_explained_on_the_record(login, staff_user, rated):
    # Approved at four with a four-star score: the province is not asked.
    response = login(staff_user).post(
        reverse("ratings:evaluation-transition", args=[rated["p_a"].pk, "send_to_province"]), {"on": "2020-12-10"}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    response = login(staff_user).post(
        reverse("ratings:evaluation-transition", args=[rated["p_a"].pk, "approve"]), follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_unknown_action_is_404(login, staff_user, rated):
    assert (
        login(staff_user).post(reverse("ratings:evaluation-transition", args=[rated["p_a"].pk, "delete"])).status_code
        == 404
    )


def test_scores_form_edits_a_draft(login, beilin_user, rated, round_2020):
    law = rated["law"]
    url = reverse("ratings:evaluation-scores", args=[law.pk])
    response = login(beilin_user).get(url)
    assert response.context["form"].initial["p_setup"] is not None
    data = {f"p_{code}": points for code, points in points_for(round_2020, 88).items()} | {"evidence": "新增佐证"}
    data["p_role"] = 25  # above 20
    response = login(beilin_user).post(url, data)
    assert response.status_code == 200 and "p_role" in response.context["form"].errors
    data["p_role"] = 20
    data["p_setup"] = 10
    response = login(beilin_user).post(url, data)
    assert response.status_code == 302
    law.refresh_from_db()
    assert law.evidence == "新增佐证" and law.total == sum(v for k, v in data.items() if k.startswith("p_"))


def test_filters(login, staff_user, rated):
    client = login(staff_user)
    assert _names(client.get(LIST + "?round=2019")) == {"A 协会党支部"}
    assert _names(client.get(LIST + "?round=2020&movement=up")) == {"A 协会党支部"}
    assert _names(client.get(LIST + "?state=submitted")) == {"B、C 联合党支部"}
    assert _names(client.get(LIST + "?round=2020&final_stars=4")) == {"A 协会党支部", "G 律师事务所党支部"}
    assert _names(client.get(LIST + "?q=律")) == {"碑林律所党支部", "G 律师事务所党支部"}


# --------------------------------------------------------------------------
# Rounds and summaries
# --------------------------------------------------------------------------


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
    assert len(response.context["rows"]) == 20 and response.context["page_obj"].paginator.num_pages == 2
    response = client.get(url + f"?area={beilin.pk}&page=2")
    assert len(response.context["rows"]) == 7


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


# --------------------------------------------------------------------------
# Pairings
# --------------------------------------------------------------------------


def test_pairing_form_offers_only_what_the_rule_allows_and_the_service_decides(login, staff_user, rated, dataset):
    client = login(staff_user)
    response = client.get(reverse("ratings:pairing-create"))
    form = response.context["form"]
    assert set(form.fields["partner"].queryset.values_list("name", flat=True)) == {"A 协会党支部", "G 律师事务所党支部"}
    assert "A 协会党支部" not in set(form.fields["party_organization"].queryset.values_list("name", flat=True))
    response = client.post(
        reverse("ratings:pairing-create"),
        {
            "partner": dataset.p_a.pk,
            "party_organization": dataset.joint.pk,
            "started_on": "2020-06-01",
            "goals": "规范三会一课",
        },
    )
    assert response.status_code == 302
    pairing = Pairing.objects.get()
    assert (pairing.partner_stars, pairing.reason, pairing.created_by) == (4, "unrated", staff_user)
    response = client.post(
        reverse("ratings:pairing-update", args=[pairing.pk]),
        {"progress_notes": "已开展联学", "status": "completed", "ended_on": ""},
    )
    pairing.refresh_from_db()
    assert pairing.status == "completed" and pairing.ended_on is not None


def test_pairing_create_shows_the_rule_message(login, staff_user, rated, dataset):
    # Submitted, not decided: joint is not a partner.
    response = login(staff_user).post(
        reverse("ratings:pairing-create"),
        {
            "partner": dataset.joint.pk,
            "party_organization": dataset.p_a.pk,
            "started_on": "2020-06-01",
            "goals": "x",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not Pairing.objects.exists()


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
