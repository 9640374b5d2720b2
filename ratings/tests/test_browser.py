"""Staff enter a round by keyboard in Chromium, correct an error, approve and send to the province;
and approve five submitted evaluations in one action from the list."""

from __future__ import annotations

import re

import pytest

from conftest import log_in
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from ratings.models import Evaluation
from ratings.tests.factories import make_evaluation, points_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_row(page, party, points: dict, evidence: str = "") -> None:
    for code, value in points.items():
        page.fill(f"#id_row-{party.pk}-p_{code}", str(value))
    page.fill(f"#id_row-{party.pk}-evidence", evidence)


def test_staff_enter_three_rows_fix_one_approve_and_send_to_the_province(
    page, staff_user, dataset, law_party, round_2020, beilin
):
    four, five, two = points_for(round_2020, 85), points_for(round_2020, 95), points_for(round_2020, 66)
    log_in(page, "staff")
    page.goto(f"/ratings/rounds/2020/entry/?area={beilin.pk}")
    rows = page.locator("#entry-form tbody tr[data-party]")
    assert rows.count() == 3

    # Tab runs along the row: the next box after an item is the next item.
    first = f"#id_row-{dataset.p_a.pk}-p_setup"
    page.focus(first)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"id_row-{dataset.p_a.pk}-p_leadership"

    _fill_row(page, dataset.p_a, four, "台账齐全")
    wrong = dict(two, setup=12)  # setup is out of 10
    _fill_row(page, dataset.joint, wrong, "待核实")
    _fill_row(page, law_party, five, "省级示范")
    # Enter in a box moves on and never submits the form.
    url_before = page.url
    page.press(f"#id_row-{law_party.pk}-p_setup", "Enter")
    assert page.evaluate("document.activeElement.id") == f"id_row-{law_party.pk}-p_leadership"
    assert page.url == url_before and Evaluation.objects.count() == 0
    # The row's running total follows the typing.
    assert page.inner_text(f"tr[data-party='{law_party.pk}'] [data-live-total]") == "95"

    page.click("#entry-save")
    page.wait_for_load_state()
    held = page.locator(f"tr[data-party='{dataset.joint.pk}']")
    assert held.get_attribute("data-errors") == "1"
    assert page.locator(f"#id_row-{dataset.joint.pk}-p_setup_error").is_visible()
    # What was typed is still there, the wrong value included.
    assert page.input_value(f"#id_row-{dataset.joint.pk}-p_setup") == "12"
    assert page.input_value(f"#id_row-{dataset.joint.pk}-evidence") == "待核实"
    assert page.locator(f"tr[data-party='{dataset.p_a.pk}']").get_attribute("data-saved") == "1"
    assert Evaluation.objects.count() == 2

    page.fill(f"#id_row-{dataset.joint.pk}-p_setup", str(two["setup"]))
    page.click("#entry-save-submit")
    page.wait_for_url(re.compile(r".*/ratings/rounds/2020/entry/.*"))
    assert page.locator("tr.has-error").count() == 0
    states = dict(Evaluation.objects.values_list("party_organization_id", "state"))
    assert states == {dataset.p_a.pk: "submitted", dataset.joint.pk: "submitted", law_party.pk: "submitted"}

    # Approve the four-star evaluation.
    page.click(f"tr[data-party='{dataset.p_a.pk}'] th a")
    page.click("button[data-action=approve]")
    page.wait_for_selector("dd.state[data-state=approved]")
    assert page.get_attribute("dl.facts", "data-final-stars") == "4"

    # The five-star one: the city approves at four, then sends it to the province.
    five_star = Evaluation.objects.get(party_organization=law_party)
    page.goto(f"/ratings/{five_star.pk}/")
    page.click("button[data-action=approve]")
    page.wait_for_selector("dd.state[data-state=approved]")
    page.click("a[data-action=send_to_province]")
    page.click("form.record-form button[type=submit].primary")
    page.wait_for_selector("dd.state[data-state=sent]")
    history = page.locator("#history tbody tr").evaluate_all("rows => rows.map(r => r.dataset.action)")
    assert history == ["created", "submit", "approve", "send_to_province"]
    five_star.refresh_from_db()
    assert (five_star.state, five_star.final_stars, five_star.stars) == ("sent", 4, 5)


def test_staff_tick_five_submitted_evaluations_and_approve_them_in_one_action(page, staff_user, beilin, round_2020):
    def party(name):
        org = SocialOrganizationFactory(name=name, area=beilin)
        return PartyOrganizationFactory(name=f"{name}党支部", area=beilin, organizations=[org])

    submitted = [
        make_evaluation(party(f"碑林{n}号协会"), round_2020, state=Evaluation.State.SUBMITTED, total=61 + 7 * n)
        for n in range(6)
    ]
    draft = make_evaluation(party("碑林草稿协会"), round_2020, state=Evaluation.State.DRAFT, total=70)
    chosen, left = submitted[:5], submitted[5]
    log_in(page, "staff")
    page.goto("/ratings/?round=2020")
    boxes = page.locator('input[name=evaluation][form="bulk-review"]')
    # A box on each submitted row, none on the draft; the buttons wait for a tick.
    assert boxes.count() == len(submitted)
    assert page.locator(f"tr[data-pk='{draft.pk}'] input[type=checkbox]").count() == 0
    assert page.is_disabled("#bulk-approve")

    # "Select all" ticks every box on the page, and again clears them.
    page.click("input[data-select-all]")
    assert page.inner_text("[data-bulk-count]") == str(len(submitted))
    page.click("input[data-select-all]")
    assert page.inner_text("[data-bulk-count]") == "0"

    for evaluation in chosen:
        page.click(f"tr[data-pk='{evaluation.pk}'] input[name=evaluation]")
    assert page.inner_text("[data-bulk-count]") == "5"

    # A return asks for its reason first: nothing is sent without one.
    page.click("#bulk-return")
    assert page.evaluate("document.getElementById('bulk-reason').matches(':invalid')")
    assert set(Evaluation.objects.values_list("state", flat=True)) == {"submitted", "draft"}

    page.click("#bulk-approve")
    page.wait_for_selector(".messages li.success")
    assert page.url.endswith("/ratings/?round=2020")
    assert "5" in page.inner_text(".messages li.success")
    for evaluation in chosen:
        assert page.get_attribute(f"tr[data-pk='{evaluation.pk}']", "data-state") == "approved"
    assert page.get_attribute(f"tr[data-pk='{left.pk}']", "data-state") == "submitted"
    # Only the one left submitted keeps a box.
    assert boxes.count() == 1
    states = dict(Evaluation.objects.values_list("pk", "state"))
    assert states == {**{e.pk: "approved" for e in chosen}, left.pk: "submitted", draft.pk: "draft"}
