"""Changes since the previous half-year (变动明细), from the records' own dates.

A half-year H is compared with its predecessor P on two days: P's last day
("since") and H's last day ("until"), the days the recount counts on. Each
coverage change is one of the recount's own definitions
(`organizations.selectors`) true on one day and false on the other, so that

    P's snapshot figure + gained − lost = H's snapshot figure

for organisations, organisational and work coverage and 应建未建, in every
scope. Registrations, deregistrations, party organisations set up or
dissolved and instructors who started or left are the records whose date
falls in H. Every set is one SQL statement (EXISTS and NOT EXISTS): nothing is
read into Python but the counts and the page of rows shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, TextChoices
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.permissions import restrict
from coverage.recount.periods import HalfYear
from coverage.recount.selectors import periods_with_snapshots
from organizations.models import Area, InstructorAssignment, PartyOrganization, SocialOrganization
from organizations.selectors import coverage_conditions, organization_active_on, with_coverage
from political.indicators import INDICATORS
from political.indicators import conditions as indicator_conditions
from political.models import PoliticalBuilding
from ui.filters import area_keys
from xian_partybuild import clock

if TYPE_CHECKING:
    from accounts.models import User
    from organizations.models import SupervisingUnit


class Kind(TextChoices):
    """One list of changes; each figure has a gained and a lost kind (GROUPS)."""

    REGISTERED = "registered", pgettext_lazy("change", "Registered")
    DEREGISTERED = "deregistered", pgettext_lazy("change", "Deregistered")
    ORG_COVERED_GAINED = "org_covered_gained", _("Became organisationally covered")
    ORG_COVERED_LOST = "org_covered_lost", _("Lost organisational coverage")
    WORK_COVERED_GAINED = "work_covered_gained", _("Became work covered")
    WORK_COVERED_LOST = "work_covered_lost", _("Lost work coverage")
    UNESTABLISHED_GAINED = "unestablished_gained", _("Became must establish, not established")
    UNESTABLISHED_CLEARED = "unestablished_cleared", _("No longer must establish, not established")
    PARTY_ESTABLISHED = "party_established", _("Party organisations set up")
    PARTY_DISSOLVED = "party_dissolved", _("Party organisations dissolved")
    INSTRUCTOR_STARTED = "instructor_started", _("Instructors started")
    INSTRUCTOR_ENDED = "instructor_ended", _("Instructors left")
    # Political building (political.indicators): an indicator held on H's last day and not P's, or the reverse.
    CHARTER_GAINED = "charter_gained", _("Charter gained party building")
    CHARTER_LOST = "charter_lost", _("Charter lost party building")
    CROSS_APPOINTED_GAINED = "cross_appointed_gained", _("Became cross-appointed")
    CROSS_APPOINTED_LOST = "cross_appointed_lost", _("No longer cross-appointed")
    SECRETARY_MEETINGS_GAINED = "secretary_meetings_gained", _("Secretary began attending key meetings")
    SECRETARY_MEETINGS_LOST = "secretary_meetings_lost", _("Secretary no longer attends key meetings")
    CONSULTATION_GAINED = "consultation_gained", _("Consultation mechanism set up")
    CONSULTATION_LOST = "consultation_lost", _("Consultation mechanism no longer counted")


@dataclass(frozen=True)
class Group:
    """A figure and the two lists that move it: previous + gained − lost = current."""

    figure: str
    label: Any
    gained: Kind
    lost: Kind


# `figure` names the Snapshot field the pair reconciles with, except for
# instructor assignments: the snapshot counts assignments current on a day,
# which an end date in H may or may not change (the last day still counts).
GROUPS = (
    Group("organizations", _("Social organisations"), Kind.REGISTERED, Kind.DEREGISTERED),
    Group("org_covered", _("Organisationally covered"), Kind.ORG_COVERED_GAINED, Kind.ORG_COVERED_LOST),
    Group("work_covered", _("Work covered"), Kind.WORK_COVERED_GAINED, Kind.WORK_COVERED_LOST),
    Group(
        "must_establish_not_established",
        _("Must establish, not yet established"),
        Kind.UNESTABLISHED_GAINED,
        Kind.UNESTABLISHED_CLEARED,
    ),
    Group("party_organizations", _("Party organisations"), Kind.PARTY_ESTABLISHED, Kind.PARTY_DISSOLVED),
    Group("instructor_assignments", _("Instructors"), Kind.INSTRUCTOR_STARTED, Kind.INSTRUCTOR_ENDED),
    *(Group(name, INDICATORS[name][1], Kind(f"{name}_gained"), Kind(f"{name}_lost")) for name in INDICATORS),
)
PARTY_KINDS = (Kind.PARTY_ESTABLISHED, Kind.PARTY_DISSOLVED)
INSTRUCTOR_KINDS = (Kind.INSTRUCTOR_STARTED, Kind.INSTRUCTOR_ENDED)
ORGANIZATION_KINDS = tuple(kind for kind in Kind if kind not in PARTY_KINDS + INSTRUCTOR_KINDS)
# The coverage figures whose changes are a definition true on one day and not the other.
STATE_FIGURES = {
    "org_covered": (Kind.ORG_COVERED_GAINED, Kind.ORG_COVERED_LOST),
    "work_covered": (Kind.WORK_COVERED_GAINED, Kind.WORK_COVERED_LOST),
    "must_establish_not_established": (Kind.UNESTABLISHED_GAINED, Kind.UNESTABLISHED_CLEARED),
    **{name: (Kind(f"{name}_gained"), Kind(f"{name}_lost")) for name in INDICATORS},
}


@dataclass(frozen=True)
class ChangeWindow:
    """H and the two days it is compared on: P's last day and H's last day."""

    half_year: HalfYear
    since: dt.date
    until: dt.date

    @property
    def previous(self) -> HalfYear:
        return self.half_year.previous()

    def dates(self, field: str) -> Q:
        """`field` falls in H: after P's last day, up to H's last day."""
        return Q(**{f"{field}__gt": self.since, f"{field}__lte": self.until})


def as_half_year(period: Any) -> HalfYear:
    """A HalfYear from a code ("2020H2"), a HalfYear or a coverage Period."""
    if isinstance(period, str):
        return HalfYear.parse(period)
    return HalfYear(period.year, period.half)


def change_window(period: Any) -> ChangeWindow:
    half = as_half_year(period)
    return ChangeWindow(half, since=half.previous().end, until=half.end)


def half_year_or_default(code: str | None) -> HalfYear:
    """The half-year `?period=` names, if it has begun; else the latest
    recounted one (else the last one ended): never a future half-year."""
    today = clock.today()
    if code:
        try:
            half = HalfYear.parse(code)
        except ValueError:
            half = None
        if half is not None and half.start <= today:
            return half
    latest = periods_with_snapshots().first()
    return latest.half_year if latest else HalfYear.last_ended(today)


# --------------------------------------------------------------------------
# The sets
# --------------------------------------------------------------------------


def _touched(window: ChangeWindow) -> Q:
    """Organisations with a date of their own, of a covering party organisation
    or of an instructor assignment on or between the two days.

    Every input of the definitions is one of these dates compared with the
    day, so an organisation outside this set is in the same state on both
    days: the set only narrows what the database evaluates the definitions
    on (a few rows instead of the whole city), it never decides a change.
    """
    days = (window.since, window.until)
    through = PartyOrganization.organizations.through
    party_dates = Q(partyorganization__established_on__range=days) | Q(partyorganization__dissolved_on__range=days)
    assignment_dates = Q(started_on__range=days) | Q(ended_on__range=days)
    # An indicator's date is an input too (its one row per organisation).
    political_dates = Q()
    for field, _label, _rate in INDICATORS.values():
        political_dates |= Q(**{f"{field}__range": days})
    return (
        Q(registered_on__range=days)
        | Q(deregistered_on__range=days)
        | Q(pk__in=through.objects.filter(party_dates).values("socialorganization_id"))
        | Q(pk__in=InstructorAssignment.objects.filter(assignment_dates).values("organization_id"))
        | Q(pk__in=PoliticalBuilding.objects.filter(political_dates).values("organization_id"))
    )


def _facts(window: ChangeWindow) -> dict[str, Q]:
    """Every input of the organisation kinds: registered or deregistered in
    H, active on either day, and each coverage figure's condition (the
    recount's own) on either day."""
    before = {**coverage_conditions(on=window.since), **indicator_conditions(window.since)}
    after = {**coverage_conditions(on=window.until), **indicator_conditions(window.until)}
    facts = {
        # Not named as the kinds: the counts take those names.
        "registered_in": window.dates("registered_on"),
        "deregistered_in": window.dates("deregistered_on"),
        "active_before": organization_active_on(window.since),
        "active_after": organization_active_on(window.until),
    }
    for figure in STATE_FIGURES:
        facts[f"{figure}_before"], facts[f"{figure}_after"] = before[figure], after[figure]
    return facts


def _organization_conditions(window: ChangeWindow, facts: dict[str, Q] | None = None) -> dict[Kind, Q]:
    """Each organisation kind as a condition over the facts: the facts
    themselves (a list's rows), or references to them computed once per row
    (the counts, see change_counts)."""
    facts = facts if facts is not None else _facts(window)
    conditions = {Kind.REGISTERED: facts["registered_in"], Kind.DEREGISTERED: facts["deregistered_in"]}
    for figure, (gained, lost) in STATE_FIGURES.items():
        # Counted on a day = active that day and the condition true that day, as the recount counts.
        was = facts["active_before"] & facts[f"{figure}_before"]
        now = facts["active_after"] & facts[f"{figure}_after"]
        conditions[gained] = now & ~was
        conditions[lost] = was & ~now
    return conditions


def _organization_counts(queryset: QuerySet, window: ChangeWindow) -> dict[str, int]:
    """Every organisation kind's count over `queryset` in one query that
    computes each fact once per organisation: the facts are the inner
    query's columns and the counts filter on them (DISTINCT over the key
    makes Django put the facts in a subquery), where the kinds written out
    in full would repeat each EXISTS in every count that uses it."""
    facts = _facts(window)
    columns = {name: ExpressionWrapper(condition, BooleanField()) for name, condition in facts.items()}
    references = {name: Q(**{name: True}) for name in facts}
    conditions = _organization_conditions(window, references)
    rows = queryset.annotate(**columns).values("pk", *columns).distinct()
    return rows.aggregate(**{kind.value: Count("pk", filter=condition) for kind, condition in conditions.items()})


def _party_conditions(window: ChangeWindow) -> dict[Kind, Q]:
    return {
        Kind.PARTY_ESTABLISHED: window.dates("established_on"),
        Kind.PARTY_DISSOLVED: window.dates("dissolved_on"),
    }


def _instructor_conditions(window: ChangeWindow) -> dict[Kind, Q]:
    return {
        Kind.INSTRUCTOR_STARTED: window.dates("started_on"),
        Kind.INSTRUCTOR_ENDED: window.dates("ended_on"),
    }


def _in_scope(
    queryset: QuerySet, user: User, *, area: Area | None, unit: SupervisingUnit | None, via: str = ""
) -> QuerySet:
    """The rows the user may see, narrowed to an area's subtree and/or a
    supervising unit (`via` leads from the row to the organisation's fields)."""
    queryset = restrict(queryset, user)
    if area is not None:
        queryset = queryset.filter(**{f"{via}area__path__startswith": area.path})
    # Said again as the keys of the areas holding rows (ui.filters.area_keys), in
    # the form the database can use: a district's half-year of registrations at a
    # million organisations is counted from its area key in 30 ms instead of
    # every registration in the city being read and joined to its area (100 ms).
    narrowed = area or (user.area if user.role == user.Role.DISTRICT and user.area_id else None)
    if narrowed is not None and narrowed.parent_id is not None:
        subtree = Area.objects.filter(path__startswith=narrowed.path)
        queryset = queryset.filter(**{f"{via}area__in": area_keys(subtree, queryset, f"{via}area")})
    if unit is not None:
        queryset = queryset.filter(**{f"{via}supervising_unit_id": unit.pk})
    return queryset


def change_counts(
    user: User, window: ChangeWindow, *, area: Area | None = None, unit: SupervisingUnit | None = None
) -> dict[Kind, int]:
    """Every kind's count for the scope, in three queries (one per model)."""
    party = _party_conditions(window)
    instructors = _instructor_conditions(window)
    touched = _in_scope(SocialOrganization.objects.all(), user, area=area, unit=unit).filter(_touched(window))
    counts = _organization_counts(touched, window)
    counts |= (
        _in_scope(PartyOrganization.objects.all(), user, area=area, unit=unit)
        .filter(party[Kind.PARTY_ESTABLISHED] | party[Kind.PARTY_DISSOLVED])
        .aggregate(**{kind.value: Count("pk", filter=condition) for kind, condition in party.items()})
    )
    counts |= (
        _in_scope(InstructorAssignment.objects.all(), user, area=area, unit=unit, via="organization__")
        .filter(instructors[Kind.INSTRUCTOR_STARTED] | instructors[Kind.INSTRUCTOR_ENDED])
        .aggregate(**{kind.value: Count("pk", filter=condition) for kind, condition in instructors.items()})
    )
    return {kind: counts[kind.value] for kind in Kind}


def change_rows(
    user: User,
    window: ChangeWindow,
    kind: Kind,
    *,
    area: Area | None = None,
    unit: SupervisingUnit | None = None,
) -> QuerySet:
    """The records of one kind of change, with what their table shows joined in."""
    if kind in PARTY_KINDS:
        rows = PartyOrganization.objects.select_related("area", "supervising_unit")
        rows = _in_scope(rows, user, area=area, unit=unit)
        return rows.filter(_party_conditions(window)[kind]).order_by("name", "pk")
    if kind in INSTRUCTOR_KINDS:
        rows = InstructorAssignment.objects.select_related("organization__area", "organization__supervising_unit")
        return (
            _in_scope(rows, user, area=area, unit=unit, via="organization__")
            .filter(_instructor_conditions(window)[kind])
            .order_by("organization__name", "person_name", "pk")
        )
    rows = with_coverage(SocialOrganization.objects.select_related("area", "supervising_unit"), on=window.until)
    # A registration or deregistration in H is itself a date in the touched
    # set; asking for the set too would make the database build it (every
    # party organisation's and instructor's dates) before the first row.
    touched = Q() if kind in (Kind.REGISTERED, Kind.DEREGISTERED) else _touched(window)
    return (
        _in_scope(rows, user, area=area, unit=unit)
        .filter(touched, _organization_conditions(window)[kind])
        .annotate(
            active_before=ExpressionWrapper(organization_active_on(window.since), BooleanField()),
            active_after=ExpressionWrapper(organization_active_on(window.until), BooleanField()),
        )
        .order_by("name", "pk")
    )


# --------------------------------------------------------------------------
# For the dashboard and the overview: the Δ beside each figure
# --------------------------------------------------------------------------


def change_summary(
    user: User, period: Any, *, area: Area | None = None, unit: SupervisingUnit | None = None
) -> dict[str, Any]:
    """The changes of a half-year (a Period, HalfYear or "2020H2") in the
    user's scope: each kind's count and each figure's net change, in three
    queries. `delta[figure]` is what the figure moved since the previous
    half-year: current snapshot − delta = previous snapshot, for
    organizations, org_covered, work_covered, must_establish_not_established
    and party_organizations."""
    window = change_window(period)
    counts = change_counts(user, window, area=area, unit=unit)
    return {
        "period": window.half_year.code,
        "previous_period": window.previous.code,
        "since": window.since,
        "until": window.until,
        "counts": {kind.value: counts[kind] for kind in Kind},
        "delta": {group.figure: counts[group.gained] - counts[group.lost] for group in GROUPS},
    }


def coverage_rate_changes(current: Any, delta: Mapping[str, int]) -> dict[str, Decimal | None]:
    """How far each coverage rate moved, as a rate (0.165 reads "▲16.5" points):
    the current figures (a Snapshot or a mapping of its fields) against the
    previous ones they imply with `delta`. None where either side has no organisations."""

    def figure(name: str) -> int:
        return current[name] if isinstance(current, Mapping) else getattr(current, name)

    def rate(covered: int, total: int) -> Decimal:
        # The recount's rounding (coverage.recount.compute.Figures.rates).
        return (Decimal(covered) / Decimal(total)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    total, previous_total = figure("organizations"), figure("organizations") - delta["organizations"]
    changes: dict[str, Decimal | None] = {}
    for covered, name in (("org_covered", "org_coverage_rate"), ("work_covered", "work_coverage_rate")):
        if not total or not previous_total:
            changes[name] = None
            continue
        changes[name] = rate(figure(covered), total) - rate(figure(covered) - delta[covered], previous_total)
    return changes
