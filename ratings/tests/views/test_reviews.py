"""The bulk review from the list and the entry table: who sees the boxes,
who may send them, the scope of the keys, and where the user lands; and the
entry table's state filter."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts import permissions
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from ratings import selectors
from ratings.models import Evaluation
from ratings.tests.factories import make_evaluation

from .pages import LIST

pytestmark = pytest.mark.django_db

State = Evaluation.State
REVIEW = reverse("ratings:evaluation-bulk-review")
ENTRY = reverse("ratings:round-entry", args=[2020])


@pytest.fixture
def submitted(rated, beilin, round_2020):
    """Three more submitted evaluations in Beilin beside rated's joint one (66): totals 61, 72, 83."""
    evaluations = [rated["joint"]]
    for n, total in enumerate((61, 72, 83)):
        org = SocialOrganizationFactory(name=f"碑林待审协会{n}", area=beilin)
        party = PartyOrganizationFactory(name=f"碑林待审协会{n}党支部", area=beilin, organizations=[org])
        evaluations.append(make_evaluation(party, round_2020, state=State.SUBMITTED, total=total))
    return evaluations


def _states(evaluations) -> set[str]:
    return set(Evaluation.objects.filter(pk__in=[e.pk for e in evaluations]).values_list("state", flat=True))


def _boxes(html: str) -> int:
    return html.count('name="evaluation"')


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --------------------------------------------------------------------------
# The boxes and the bar
# --------------------------------------------------------------------------


def test_staff_see_a_box_on_each_submitted_row_and_the_bulk_bar(login, staff_user, submitted):
    html = login(staff_user).get(LIST, {"per_page": 100}).content.decode()
    # rated holds 4 evaluations of 2020 besides joint, none submitted: one box per submitted evaluation.
    assert _boxes(html) == len(submitted)
    for evaluation in submitted:
        assert f'value="{evaluation.pk}" form="bulk-review"' in html
    assert 'id="bulk-review"' in html and 'id="bulk-approve"' in html and 'id="bulk-return"' in html
    assert "ratings/bulk.js" in html
    assert "<script>" not in html  # no inline script: the bar's script is a file


@pytest.mark.parametrize("who", ["beilin_user", "lawyers_user", "leader_user"])
def test_others_see_neither_boxes_nor_the_bar(login, request, who, submitted):
    html = login(request.getfixturevalue(who)).get(LIST).content.decode()
    assert _boxes(html) == 0 and 'id="bulk-review"' not in html and "bulk.js" not in html


def test_a_closed_rounds_list_has_no_bar(login, staff_user, rated):
    html = login(staff_user).get(LIST, {"round": 2019}).content.decode()
    assert 'id="bulk-review"' not in html and "bulk.js" not in html
    assert 'id="bulk-review"' in login(staff_user).get(LIST, {"round": 2020}).content.decode()


def test_the_movers_page_has_no_boxes(login, staff_user, submitted):
    html = login(staff_user).get(reverse("ratings:round-movers", args=[2020])).content.decode()
    assert _boxes(html) == 0 and 'id="bulk-review"' not in html


def test_the_export_has_no_select_column(login, staff_user, submitted):
    response = login(staff_user).get(LIST, {"_export": "csv"})
    header = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header.split(",")[0] == "党组织" and "选择" not in header


# --------------------------------------------------------------------------
# Sending it
# --------------------------------------------------------------------------


def test_staff_approve_the_selection_and_return_to_the_same_filtered_list(login, staff_user, submitted):
    back = f"{LIST}?round=2020&state=submitted&per_page=50"
    response = login(staff_user).post(
        REVIEW, {"action": "approve", "evaluation": [e.pk for e in submitted], "next": back}
    )
    assert response.status_code == 302 and response.url == back
    assert _states(submitted) == {State.APPROVED}
    assert _messages(response) == [f"已审定 {len(submitted)} 项星级评定。"]


def test_staff_return_the_selection_with_one_reason(login, staff_user, submitted):
    client = login(staff_user)
    chosen = submitted[:2]
    response = client.post(REVIEW, {"action": "return", "evaluation": [e.pk for e in chosen], "next": ENTRY})
    assert response.url == ENTRY and _states(chosen) == {State.SUBMITTED}
    assert _messages(response) == ["请说明退回原因。"]

    response = client.post(
        REVIEW, {"action": "return", "evaluation": [e.pk for e in chosen], "reason": "补充材料", "next": ENTRY}
    )
    assert response.url == ENTRY
    assert set(Evaluation.objects.filter(pk__in=[e.pk for e in chosen]).values_list("state", "return_reason")) == {
        (State.RETURNED, "补充材料")
    }
    assert _states(submitted[2:]) == {State.SUBMITTED}


def test_a_batch_with_an_evaluation_not_submitted_changes_nothing_and_names_it(login, staff_user, submitted, rated):
    batch = [*submitted, rated["law"]]  # the law firm's is a draft
    response = login(staff_user).post(REVIEW, {"action": "approve", "evaluation": [e.pk for e in batch]})
    assert response.status_code == 302 and response.url == LIST
    assert _states(submitted) == {State.SUBMITTED} and _states([rated["law"]]) == {State.DRAFT}
    (message,) = _messages(response)
    assert message.startswith("未作任何更改：所选星级评定中有 1 项不能审定。") and "碑林律所党支部" in message


@pytest.mark.parametrize("who", ["beilin_user", "lawyers_user", "leader_user"])
@pytest.mark.parametrize("action", ["approve", "return"])
def test_district_industry_and_leadership_cannot_bulk_review(login, request, who, action, submitted):
    response = login(request.getfixturevalue(who)).post(
        REVIEW, {"action": action, "evaluation": [e.pk for e in submitted], "reason": "x"}
    )
    assert response.status_code == 403
    assert _states(submitted) == {State.SUBMITTED}


def test_a_key_outside_the_users_reach_is_404_and_nothing_moves(login, staff_user, submitted):
    missing = Evaluation.objects.order_by("-pk").first().pk + 1
    response = login(staff_user).post(
        REVIEW, {"action": "approve", "evaluation": [*(e.pk for e in submitted), missing]}
    )
    assert response.status_code == 404
    assert _states(submitted) == {State.SUBMITTED}


def test_keys_are_looked_up_in_the_users_scope_only(login, staff_user, beilin_user, submitted, monkeypatch):
    # Were a district official's role allowed to review, Yanta's evaluation would still not be found.
    monkeypatch.setattr(permissions, "role_allows", lambda *args: True)
    yanta = Evaluation.objects.get(party_organization__name="G 律师事务所党支部")
    response = login(beilin_user).post(REVIEW, {"action": "approve", "evaluation": [submitted[0].pk, yanta.pk]})
    assert response.status_code == 404
    assert _states([submitted[0]]) == {State.SUBMITTED}


@pytest.mark.parametrize("data", [{"action": "certify"}, {"action": "approve", "evaluation": "x"}, {}])
def test_unknown_moves_and_keys_are_404(login, staff_user, submitted, data):
    assert login(staff_user).post(REVIEW, data).status_code == 404


def test_nothing_selected_says_so(login, staff_user, submitted):
    response = login(staff_user).post(REVIEW, {"action": "approve"})
    assert response.url == LIST and _messages(response) == ["请至少选择一项星级评定。"]


def test_next_must_be_this_sites_own_address(login, staff_user, submitted):
    response = login(staff_user).post(
        REVIEW, {"action": "approve", "evaluation": [submitted[0].pk], "next": "https://example.com/"}
    )
    assert response.url == LIST and _states([submitted[0]]) == {State.APPROVED}


def test_the_address_opened_in_a_browser_leads_to_the_list(login, beilin_user):
    response = login(beilin_user).get(REVIEW)
    assert response.status_code == 302 and response.url == LIST


# --------------------------------------------------------------------------
# The entry table: its state filter and its boxes
# --------------------------------------------------------------------------


@pytest.fixture
def unrated(beilin):
    org = SocialOrganizationFactory(name="碑林新协会", area=beilin)
    return PartyOrganizationFactory(name="碑林新协会党支部", area=beilin, organizations=[org])


def _entry_rows(response) -> set[str]:
    return {row["party"].name for row in response.context["rows"]}


def test_entry_filters_by_state_and_by_not_yet_rated(login, staff_user, submitted, unrated, rated):
    client = login(staff_user)
    assert _entry_rows(client.get(ENTRY, {"state": "unrated"})) == {unrated.name}
    assert _entry_rows(client.get(ENTRY, {"state": "submitted"})) == {e.party_organization.name for e in submitted}
    approved = {e.party_organization.name for e in (rated["p_a"], rated["g"])}
    assert _entry_rows(client.get(ENTRY, {"state": "approved"})) == approved
    assert _entry_rows(client.get(ENTRY, {"state": "draft"})) == {rated["law"].party_organization.name}
    # An unknown state is ignored: every ratable party organisation.
    everyone = _entry_rows(client.get(ENTRY))
    assert _entry_rows(client.get(ENTRY, {"state": "bogus"})) == everyone
    assert everyone == approved | {unrated.name, rated["law"].party_organization.name} | {
        e.party_organization.name for e in submitted
    }


def test_entry_state_filter_names_rows_by_key_or_tests_each(login, staff_user, submitted, monkeypatch):
    # Above the rare-rows limit the filter tests each row instead of naming keys: same rows.
    client = login(staff_user)
    by_key = _entry_rows(client.get(ENTRY, {"state": "submitted"}))
    monkeypatch.setattr(selectors, "ENTRY_RARE_ROWS", 1)
    assert _entry_rows(client.get(ENTRY, {"state": "submitted"})) == by_key


def test_entry_boxes_for_staff_on_submitted_rows_only(login, staff_user, beilin_user, submitted, unrated):
    html = login(staff_user).get(ENTRY, {"state": "", "per_page": 100}).content.decode()
    assert _boxes(html) == len(submitted) and 'id="bulk-review"' in html
    # The state filter is kept when the user comes back.
    html = login(staff_user).get(ENTRY, {"state": "submitted"}).content.decode()
    assert f'name="next" value="{ENTRY}?state=submitted"' in html
    html = login(beilin_user).get(ENTRY).content.decode()
    assert _boxes(html) == 0 and 'id="bulk-review"' not in html


def test_closed_round_entry_has_no_boxes(login, staff_user, rated, round_2019):
    html = login(staff_user).get(reverse("ratings:round-entry", args=[2019])).content.decode()
    assert _boxes(html) == 0 and 'id="bulk-review"' not in html
