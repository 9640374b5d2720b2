"""Evaluation pages: the list and its scope, filters and export; one
evaluation, its scores form and its moves."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from ratings.models import Evaluation, EvaluationEvent
from ratings.tests.factories import points_for

from .pages import LIST, body, csv_rows, evaluation_urls

pytestmark = pytest.mark.django_db

State = Evaluation.State


def _names(response) -> set[str]:
    return {row.record.party_organization.name for row in response.context["table"].page.object_list}


# --------------------------------------------------------------------------
# Scope
# --------------------------------------------------------------------------


def test_district_lists_only_its_evaluations(login, beilin_user, rated):
    response = login(beilin_user).get(LIST)
    assert _names(response) == {"A 协会党支部", "B、C 联合党支部", "碑林律所党支部"}


def test_industry_lists_only_its_industry(login, lawyers_user, rated):
    assert _names(login(lawyers_user).get(LIST)) == {"碑林律所党支部", "G 律师事务所党支部"}


def test_another_districts_evaluation_is_404_on_every_url(login, yanta_user, beilin_user, rated):
    client = login(yanta_user)
    detail, *writes = evaluation_urls(rated["p_a"])
    assert client.get(detail).status_code == 404
    for url in writes:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x", "on": "2020-12-10"}).status_code == 404, url
    rated["p_a"].refresh_from_db()
    assert rated["p_a"].state == State.APPROVED
    # Their own is there.
    assert client.get(reverse("ratings:evaluation-detail", args=[rated["g"].pk])).status_code == 200


def test_district_cannot_approve_its_own_recommendation(login, beilin_user, rated):
    url = reverse("ratings:evaluation-transition", args=[rated["joint"].pk, "approve"])
    assert login(beilin_user).post(url).status_code == 403
    rated["joint"].refresh_from_db()
    assert rated["joint"].state == State.SUBMITTED


def test_evaluation_export_holds_only_the_users_rows(login, beilin_user, yanta_user, rated):
    rows = csv_rows(login(beilin_user).get(LIST + "?_export=csv"))
    assert {r[0] for r in rows[1:]} == {"A 协会党支部", "B、C 联合党支部", "碑林律所党支部"}
    response = login(yanta_user).get(LIST + "?_export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["G 律师事务所党支部"]


# --------------------------------------------------------------------------
# Evaluation pages
# --------------------------------------------------------------------------


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


def test_list_is_one_round_the_latest_unless_asked(login, staff_user, rated):
    client = login(staff_user)
    response = client.get(LIST)
    assert {row.record.round.year for row in response.context["table"].page.object_list} == {2020}
    assert response.context["filter"].form["round"].value() == "2020"
    # The choice holds every round and no "every round".
    choices = [value for value, _label in response.context["filter"].form.fields["round"].choices]
    assert choices == [2020, 2019]
    response = client.get(LIST + "?round=2019")
    assert [row.record.round.year for row in response.context["table"].page.object_list] == [2019]
    # A round that does not exist lists nothing.
    assert not client.get(LIST + "?round=1999").context["table"].page.object_list


def test_list_sorts_only_by_what_an_index_serves(login, staff_user, rated):
    client = login(staff_user)
    table = client.get(LIST).context["table"]
    orderable = {column.name for column in table.columns if column.orderable}
    assert orderable == {"party_organization", "total", "stars", "final_stars", "state"}
    names = [row.record.party_organization.name for row in table.page.object_list]
    assert names == sorted(names)
    by_total = client.get(LIST + "?sort=-total").context["table"].page.object_list
    assert [row.record.total for row in by_total] == [95, 85, 71, 66]
    # Stars by score sort as their total does.
    by_stars = client.get(LIST + "?sort=stars").context["table"].page.object_list
    assert [row.record.total for row in by_stars] == [66, 71, 85, 95]
    # Each sort ends with the key, so the two directions are exact mirrors
    # (where undecided rows go is the database's choice).
    for column in ("final_stars", "state"):
        up = [row.record.pk for row in client.get(LIST + f"?sort={column}").context["table"].page.object_list]
        down = [row.record.pk for row in client.get(LIST + f"?sort=-{column}").context["table"].page.object_list]
        assert up == down[::-1] and len(up) == 4


@pytest.mark.parametrize("rare_rows", [0, 1, 1000])
def test_promotion_filter_lists_the_same_rows_rare_or_not(login, staff_user, rated, monkeypatch, rare_rows):
    # Rare promotions are listed by key, common ones by the filter itself: the same rows either way.
    monkeypatch.setattr("ratings.filters.RARE_ROWS", rare_rows)
    client = login(staff_user)
    assert _names(client.get(LIST + "?round=2020&movement=up")) == {"A 协会党支部"}
    assert _names(client.get(LIST + "?round=2020&movement=new")) == {"G 律师事务所党支部"}
    assert _names(client.get(LIST + "?round=2020&movement=pending")) == {"B、C 联合党支部", "碑林律所党支部"}
