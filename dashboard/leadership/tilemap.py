"""The districts as a tile map: one square per district, county or zone at
its approximate place in Xi'an (north up), coloured by a figure of the
league table, so a tile and its table cell always agree.

Why tiles and not boundaries: no properly licensed official boundary file
can be had offline (Xi'an's boundaries come from its surveying department),
so the positions below are data kept here, hand-placed, not a survey."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from ui.formatting import format_change, format_percent

from .league import FIGURES, RATES, League, LeagueRow

# area code -> (row, column) on a 7 x 6 grid, north at the top.
POSITIONS: dict[str, tuple[int, int]] = {
    "610114": (0, 4),  # 阎良区
    "610117": (1, 3),  # 高陵区
    "610115": (1, 5),  # 临潼区
    "610112": (2, 2),  # 未央区
    "XAJK": (2, 3),  # 西安经开区
    "XAGW": (2, 4),  # 国际港务区
    "610104": (3, 1),  # 莲湖区
    "610102": (3, 2),  # 新城区
    "XACB": (3, 3),  # 浐灞生态区
    "610111": (3, 4),  # 灞桥区
    "XAGX": (4, 1),  # 西安高新区
    "610103": (4, 2),  # 碑林区
    "610122": (4, 5),  # 蓝田县
    "610124": (5, 0),  # 周至县
    "610118": (5, 1),  # 鄠邑区
    "610113": (5, 2),  # 雁塔区
    "XAQJ": (5, 3),  # 曲江新区
    "610116": (6, 2),  # 长安区
    "XAHT": (6, 3),  # 航天基地
}
ROWS, COLUMNS = 7, 6

MAP_FIGURES = {
    "org_coverage_rate": _("Organisational coverage"),
    "work_coverage_rate": _("Work coverage"),
    "must_establish_not_established": _("Must establish, not yet established"),
    "open_warnings": _("Open early warnings"),
}
DEFAULT_FIGURE = "org_coverage_rate"

# Light to dark: the better end is green, the worse end red.
GOOD, BAD, MIDDLE = (6, 118, 71), (179, 38, 30), (241, 245, 249)


@dataclass
class Tile:
    row: LeagueRow
    value: object
    shown: str
    change: str
    colour: str
    ink: str
    grid_row: int | None = None
    grid_column: int | None = None


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _colour(value, low, high, direction: int) -> tuple[str, str]:
    """Worse values red, better ones green, the middle pale; equal values all pale."""
    if value is None or high == low:
        return "rgb(241, 245, 249)", "#1e293b"
    t = float((Decimal(value) - Decimal(low)) / (Decimal(high) - Decimal(low)))
    goodness = t if direction > 0 else 1 - t
    towards, amount = (GOOD, goodness - 0.5) if goodness >= 0.5 else (BAD, 0.5 - goodness)
    rgb = _mix(MIDDLE, towards, amount * 2)
    strength = abs(goodness - 0.5) * 2
    return f"rgb{rgb}", "#fff" if strength > 0.55 else "#1e293b"


def tile_map(league: League, figure: str) -> tuple[list[Tile], list[Tile], dict]:
    """(placed tiles, tiles with no place on the map, the legend) for a figure."""
    figure = figure if figure in MAP_FIGURES else DEFAULT_FIGURE
    is_rate = figure in RATES
    values = [row.values.get(figure) for row in league.rows if row.values.get(figure) is not None]
    low, high = (min(values), max(values)) if values else (None, None)
    placed, unplaced = [], []
    for row in league.rows:
        value = row.values.get(figure)
        colour, ink = _colour(value, low, high, FIGURES[figure])
        tile = Tile(
            row=row,
            value=value,
            shown=format_percent(value) if is_rate else str(value if value is not None else "—"),
            change=format_change(row.change(figure), points=is_rate),
            colour=colour,
            ink=ink,
        )
        position = POSITIONS.get(row.snapshot.area.code if row.snapshot.area else "")
        if position is None:
            unplaced.append(tile)
        else:
            tile.grid_row, tile.grid_column = position[0] + 1, position[1] + 1
            placed.append(tile)

    def shown(value):
        if value is None:
            return "—"
        return format_percent(value) if is_rate else str(value)

    legend = {
        "figure": figure,
        "label": MAP_FIGURES[figure],
        "low": shown(low),
        "high": shown(high),
        "low_colour": _colour(low, low, high, FIGURES[figure])[0],
        "high_colour": _colour(high, low, high, FIGURES[figure])[0],
    }
    return placed, unplaced, legend
