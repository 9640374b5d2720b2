"""Where a snapshot figure leads: the list of exactly the records it counts.

A figure is as of its half-year and for its scope, so its link names both:
`period=` makes the list show the records as they stood on the half-year's
last day (the day the recount counted them on), and the scope's area or
supervising unit narrows it the way the recount filed the records. The
figure-specific filters ask the list the recount's own coverage questions
(organizations.selectors), so a figure and its list cannot drift apart.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import get_script_prefix, get_urlconf, reverse

from coverage.models import Snapshot
from organizations.selectors import WORK_COVERED, CoverageState
from political.indicators import INDICATORS, RATES

from .compute import CITY_DIRECT_SUFFIX, NO_SUBDISTRICT_KEY

if TYPE_CHECKING:
    from coverage.models import Period

ORGANIZATIONS = "organizations:organization-list"

# figure -> (list URL name, the list's filters that select the records it counts)
FIGURE_LISTS: dict[str, tuple[str, dict[str, str]]] = {
    "organizations": (ORGANIZATIONS, {}),
    "party_organizations": ("organizations:party-organization-list", {}),
    "org_covered": (ORGANIZATIONS, {"coverage": CoverageState.ORGANISATIONAL.value}),
    "work_covered": (ORGANIZATIONS, {"coverage": WORK_COVERED}),
    "uncovered": (ORGANIZATIONS, {"coverage": CoverageState.UNCOVERED.value}),
    "must_establish_not_established": (ORGANIZATIONS, {"must_establish_not_established": "true"}),
    # Political building: the organisations whose indicator held on the half-year's last day.
    **{name: (ORGANIZATIONS, {name: "true"}) for name in INDICATORS},
    # Looked up by name: the recount part imports nothing from warnings.
    "open_warnings": ("coverage:warning-list", {}),
}

# A rate opens the records of its numerator.
RATE_COUNTS = {
    "org_coverage_rate": "org_covered",
    "work_coverage_rate": "work_covered",
    **{rate: name for name, rate in RATES.items()},
}


@lru_cache(maxsize=256)
def _reversed(name: str, prefix: str, urlconf: str | None) -> str:  # noqa: ARG001 (the cache's key)
    return reverse(name, urlconf=urlconf)


def list_path(name: str) -> str:
    """reverse(name) for a URL without arguments, once per process: an
    overview or a chart links hundreds of cells to a handful of lists. Keyed
    by the script prefix and URLconf, which are all reverse() reads."""
    return _reversed(name, get_script_prefix(), get_urlconf())


def scope_query(snapshot: Snapshot) -> dict[str, str] | None:
    """The list filters that hold the records a snapshot row counts, or None
    for a scope no list filter reproduces (categories, responsible bodies)."""
    if snapshot.scope == Snapshot.Scope.CITY:
        return {}
    if snapshot.scope == Snapshot.Scope.AREA:
        # The city's own row (市本级) leaves out the districts under it.
        key = "registration_area" if snapshot.scope_key.endswith(CITY_DIRECT_SUFFIX) else "area"
        return {key: str(snapshot.area_id)}
    if snapshot.scope == Snapshot.Scope.SUPERVISING_UNIT:
        return {"supervising_unit": str(snapshot.supervising_unit_id) if snapshot.supervising_unit_id else "null"}
    if snapshot.scope == Snapshot.Scope.UNIT_AREA:
        key = "registration_area" if snapshot.scope_key.endswith(CITY_DIRECT_SUFFIX) else "area"
        return {key: str(snapshot.area_id), "supervising_unit": str(snapshot.supervising_unit_id)}
    if snapshot.scope == Snapshot.Scope.SUBDISTRICT:
        # The district's registrations (not the city's own sitting there) in
        # the sub-district and its communities, or with no place recorded.
        if snapshot.scope_key.endswith(f":{NO_SUBDISTRICT_KEY}"):
            return {"area": str(snapshot.area_id), "no_location": "true"}
        return {"area": str(snapshot.area.parent_id), "location": str(snapshot.area_id)}
    return None


def figure_url(figure: str, snapshot: Snapshot, period: Period | None = None) -> str | None:
    """The list of the records behind one figure of a snapshot row (a rate's: its numerator's)."""
    figure = RATE_COUNTS.get(figure, figure)
    scope = scope_query(snapshot)
    if scope is None or figure not in FIGURE_LISTS:
        return None
    name, filters = FIGURE_LISTS[figure]
    if snapshot.scope == Snapshot.Scope.SUBDISTRICT and name != ORGANIZATIONS:
        return None  # only the organisation list filters by where organisations sit
    period = period or snapshot.period
    return f"{list_path(name)}?{urlencode({'period': period.code, **scope, **filters})}"


def figure_links(snapshot: Snapshot | None, period: Period | None = None) -> dict[str, str | None]:
    """Every figure's link for one snapshot row, by figure name (rates included)."""
    if snapshot is None:
        return {}
    return {figure: figure_url(figure, snapshot, period) for figure in [*FIGURE_LISTS, *RATE_COUNTS]}
