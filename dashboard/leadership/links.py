"""Where each league figure leads: the list of exactly the rows it counts,
as of its half-year and in its district (coverage.recount.links for the
snapshot figures, the evaluation and ledger lists for the others)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from coverage.recount.links import figure_url, list_path

STAR_FILTERS = {"four_star": {"final_stars": "4"}, "five_star": {"state": "certified"}}


def league_link(figure: str, row, league) -> str | None:
    """The URL behind one figure of a league row (None when nothing lists it)."""
    if figure in STAR_FILTERS:
        if league.rating_round is None:
            return None
        query = {"round": league.rating_round.year, "area": row.snapshot.area_id, **STAR_FILTERS[figure]}
        return f"{list_path('ratings:evaluation-list')}?{urlencode(query)}"
    if figure == "ledger":
        if row.ledger is not None:
            return reverse("coverage:ledger-review", args=[row.ledger.pk])
        return f"{list_path('coverage:ledger-list')}?{urlencode({'period': league.period.code})}"
    return figure_url(figure, row.snapshot, league.period)


def area_link(row, league) -> str | None:
    if row.snapshot.area is None:
        return None
    return f"{reverse('coverage:area-detail', args=[row.snapshot.area.code])}?period={league.period.code}"
