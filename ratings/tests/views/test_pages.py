"""What holds on every ratings page: anonymous users are sent to log in, the
leadership reads everything and writes nothing, and list pages cost the same
number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from ratings.models import Evaluation, EvaluationEvent, Pairing, Round
from ratings.tests.factories import make_evaluation

from .pages import LIST, PAIRINGS, evaluation_urls

pytestmark = pytest.mark.django_db

State = Evaluation.State


# --------------------------------------------------------------------------
# Who reaches which page
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
        *evaluation_urls(rated["p_a"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


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
# also reads the rounds (the one asked for and the choice, with each one's
# previous round) in one query, the movers page its round.
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        (LIST + "?round=2020", 6),
        (LIST + "?", 6),
        # The promotion filter reads its rows' keys first (a rare one is listed by key).
        (LIST + "?round=2020&movement=up&sort=-total", 7),
        (reverse("ratings:round-movers", args=[2020]) + "?", 6),
        (PAIRINGS + "?", 5),
    ],
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
