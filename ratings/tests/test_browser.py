"""Staff enter a round by keyboard in Chromium, correct an error, approve and send to the province."""

from __future__ import annotations

import re

import pytest

from conftest import log_in
from ratings.models import Evaluation
from ratings.tests.factories import points_for

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
