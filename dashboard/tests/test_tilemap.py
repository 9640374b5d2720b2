"""The tile map: coloured from the league's figures (values equal the table's),
each tile opening its district, scoped like the league."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coverage.recount.services import recount_run
from dashboard.leadership.tilemap import MAP_FIGURES, POSITIONS
from dashboard.tests import test_figure_links
from organizations.models import Area
from organizations.tests.factories import AreaFactory, SocialOrganizationFactory
from ui.formatting import format_percent

pytestmark = pytest.mark.django_db

MAP = reverse("dashboard:map")
LEAGUE = reverse("dashboard:league")
history = test_figure_links.history


@pytest.mark.parametrize("figure", list(MAP_FIGURES))
def test_tile_values_match_the_league_table(login, staff_user, history, figure):
    client = login(staff_user)
    league = {row.key: row for row in client.get(LEAGUE + "?period=2020H2").context["league"].rows}
    response = client.get(MAP + f"?period=2020H2&figure={figure}")
    tiles = response.context["tiles"] + response.context["unplaced"]
    assert {tile.row.key for tile in tiles} == set(league)
    for tile in tiles:
        value = league[tile.row.key].values[figure]
        assert tile.value == value
        shown = format_percent(value) if figure.endswith("rate") else str(value)
        assert f'data-key="{tile.row.key}" data-value="{shown}"' in response.content.decode()
        assert (
            f"{reverse('coverage:area-detail', args=[tile.row.area.code])}?period=2020H2" in response.content.decode()
        )


def test_known_districts_are_placed_and_others_listed_beside(login, staff_user, history, city):
    zone = AreaFactory(code="610199", name="某新区", parent=city, level=Area.Level.ZONE)
    SocialOrganizationFactory(area=zone)
    recount_run(period="2020H2")
    response = login(staff_user).get(MAP + "?period=2020H2")
    placed = {tile.row.label: (tile.grid_row, tile.grid_column) for tile in response.context["tiles"]}
    assert placed["碑林区"] == (POSITIONS["610103"][0] + 1, POSITIONS["610103"][1] + 1)
    assert "雁塔区" in placed
    assert [tile.row.label for tile in response.context["unplaced"]] == ["某新区"]


def test_worse_is_red_and_better_green(login, staff_user, history):
    response = login(staff_user).get(MAP + "?period=2020H2&figure=open_warnings")
    tiles = sorted(response.context["tiles"], key=lambda tile: tile.value)
    assert tiles[0].value < tiles[-1].value
    assert tiles[0].colour == "rgb(6, 118, 71)" and tiles[-1].colour == "rgb(179, 38, 30)"


def test_a_district_sees_its_own_tile_only(login, beilin_user, lawyers_user, history):
    client = login(beilin_user)
    for query in ("", "?figure=open_warnings", "?period=2020H1&area=610113"):
        response = client.get(MAP + query)
        assert [tile.row.label for tile in response.context["tiles"]] == ["碑林区"]
        assert "雁塔" not in response.content.decode()
    assert login(lawyers_user).get(MAP).status_code == 403


def test_query_count(login, staff_user, history, django_assert_num_queries):
    client = login(staff_user)
    # session, user, half-years, the league's five and the active boundary file (none).
    with django_assert_num_queries(9):
        client.get(MAP + "?period=2020H2")
