"""Reads: evaluation lists with promotion, round summaries, and the standing
of party organisations that the pairing rule asks about.

Promotion and standing are correlated subqueries, so a page of rows, a whole
round or a city-wide count is one statement whatever its size.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from coverage.models import EarlyWarning
from dashboard.models import RatingTally
from dashboard.selectors import rating_figures
from organizations.models import PartyOrganization, SocialOrganization

from .models import MAX_STARS, STRONG_MIN_STARS, WEAK_MAX_STARS, Evaluation, EvaluationEvent, Pairing, Round, Score


class Movement(TextChoices):
    """How an evaluation's final stars compare with the previous round's."""

    UP = "up", _("Moved up")
    HELD = "held", _("Held")
    DOWN = "down", _("Moved down")
    NEW = "new", _("No previous rating")  # no final rating in the previous round
    PENDING = "pending", _("Not decided")  # not yet decided this round


def rounds_with_previous() -> QuerySet[Round]:
    """Rounds, newest first, each with `previous_id`: the round just before it
    by year (None for the first), so that a round's promotion compares with
    one known round instead of looking it up for every row."""
    previous = Round.objects.filter(year__lt=OuterRef("year")).order_by("-year").values("pk")[:1]
    return Round.objects.annotate(previous_id=Subquery(previous)).order_by("-year")


def latest_round() -> Round | None:
    return rounds_with_previous().first()


def round_or_latest(year: str | int | None) -> Round | None:
    if year not in (None, ""):
        try:
            return rounds_with_previous().filter(year=int(year)).first()
        except (TypeError, ValueError, OverflowError):
            return None
    return latest_round()


def _previous_id(round_: Round) -> int | None:
    if not hasattr(round_, "previous_id"):
        round_.previous_id = rounds_with_previous().values_list("previous_id", flat=True).get(pk=round_.pk)
    return round_.previous_id


def _previous_round_stars() -> Subquery:
    # Any round: the previous round is the latest one before the evaluation's
    # own, looked up per row (the nested OuterRef reaches the evaluation).
    # For one evaluation (its page); lists are of one round (_previous_stars).
    previous_year = (
        Round.objects.filter(year__lt=OuterRef(OuterRef("round__year"))).order_by("-year").values("year")[:1]
    )
    return Subquery(
        Evaluation.objects.filter(
            party_organization_id=OuterRef("party_organization_id"),
            round__year=Subquery(previous_year),
            final_stars__isnull=False,
        )
        .order_by()
        .values("final_stars")[:1],
        output_field=IntegerField(),
    )


def _previous_decided(round_: Round) -> QuerySet[Evaluation]:
    """The decided evaluation, in the round before `round_`, of the outer row's
    party organisation: one probe of the unique (round, party organisation) index."""
    return Evaluation.objects.filter(
        round_id=_previous_id(round_),
        party_organization_id=OuterRef("party_organization_id"),
        final_stars__isnull=False,
    )


def _previous_stars(round_: Round) -> Subquery | Value:
    if _previous_id(round_) is None:
        return Value(None, output_field=IntegerField())
    # Unsorted: one row at most (unique per round), and the model's default
    # ordering would join two more tables for each row.
    return Subquery(_previous_decided(round_).order_by().values("final_stars")[:1], output_field=IntegerField())


def with_promotion(qs: QuerySet[Evaluation], round_: Round | None = None) -> QuerySet[Evaluation]:
    """Annotate `previous_stars` and `movement` (up / held / down / new / pending).

    With `round_` the rows are that round's and the previous round is known;
    the database computes both columns for the rows it returns (a page), not
    for the rows it passes over."""
    previous = _previous_round_stars() if round_ is None else _previous_stars(round_)
    return qs.annotate(previous_stars=previous).annotate(
        movement=Case(
            When(final_stars__isnull=True, then=Value(Movement.PENDING)),
            When(previous_stars__isnull=True, then=Value(Movement.NEW)),
            When(final_stars__gt=F("previous_stars"), then=Value(Movement.UP)),
            When(final_stars__lt=F("previous_stars"), then=Value(Movement.DOWN)),
            default=Value(Movement.HELD),
            output_field=CharField(),
        )
    )


# How the previous round's final stars compare with these, for each movement they decide.
_COMPARED = {Movement.UP: "lt", Movement.DOWN: "gt", Movement.HELD: "exact"}


def movement_condition(round_: Round, movements: Iterable[str]) -> Q:
    """The evaluations of `round_` whose promotion is one of `movements`: the
    same definition as `with_promotion`'s `movement`, written as EXISTS on the
    previous round's evaluations, which the database joins as a set (one pass
    for a count) or probes by index (a page), instead of computing the column
    for every row."""
    movements = set(movements)
    parts: list[Q] = []
    compared = [Q(**{f"final_stars__{_COMPARED[m]}": OuterRef("final_stars")}) for m in _COMPARED if m in movements]
    if compared:
        # One EXISTS for up and down together (the movers): an OR of two would be evaluated row by row.
        parts.append(Q(Exists(_previous_decided(round_).filter(reduce(operator.or_, compared)))))
    if Movement.NEW in movements:
        parts.append(Q(final_stars__isnull=False) & ~Q(Exists(_previous_decided(round_))))
    if Movement.PENDING in movements:
        parts.append(Q(final_stars__isnull=True))
    return reduce(operator.or_, parts) if parts else Q(pk__in=[])


def evaluation_rows(round_: Round | None = None) -> QuerySet[Evaluation]:
    """The evaluation list of one round: every column the table shows, in one query.

    Sorted by party organisation name, then key: a page is a range of the
    party organisations' (name, id) index joined to the round's evaluations
    through their unique (round, party organisation) index, so it costs its
    rows whatever the size of the round. Without a round: every evaluation
    (for one evaluation's page)."""
    rows = Evaluation.objects.select_related(
        "round", "party_organization__area", "party_organization__supervising_unit"
    )
    if round_ is None:
        return with_promotion(rows).order_by("-round__year", "party_organization__name", "pk")
    return with_promotion(rows.filter(round=round_), round_).order_by(
        "party_organization__name", "party_organization_id"
    )


def evaluation_detail() -> QuerySet[Evaluation]:
    return evaluation_rows().prefetch_related(
        Prefetch("scores", queryset=Score.objects.select_related("item")),
        Prefetch("events", queryset=EvaluationEvent.objects.select_related("actor")),
        "round__items",
    )


def movers(round_: Round) -> QuerySet[Evaluation]:
    """This round's evaluations whose final stars moved since the previous round."""
    return evaluation_rows(round_).filter(movement_condition(round_, (Movement.UP, Movement.DOWN)))


def _share(part: int, whole: int | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def round_summary(round_: Round, qs: QuerySet[Evaluation]) -> dict[str, Any]:
    """The round's figures for the evaluations in qs (already scoped), in one query.

    "Four-star named" counts evaluations whose final stars are four: named by
    the city, including those the province then did not certify. "Five-star"
    counts the province's certifications; their share is of the province's
    five-star total entered for the round (17 / 59 = 28.8%).
    """
    in_round = qs.filter(round=round_)
    aggregates: dict[str, Any] = {
        "evaluations": Count("pk"),
        "decided": Count("pk", filter=Q(final_stars__isnull=False)),
        "four_star_named": Count("pk", filter=Q(final_stars=4)),
        "five_star_certified": Count("pk", filter=Q(state=Evaluation.State.CERTIFIED)),
        "sent_to_province": Count("pk", filter=Q(state__in=Evaluation.PROVINCE_STATES)),
    }
    for stars in range(1, MAX_STARS + 1):
        aggregates[f"stars_{stars}"] = Count("pk", filter=Q(final_stars=stars))
    for state in Evaluation.State:
        aggregates[f"state_{state.value}"] = Count("pk", filter=Q(state=state))
    figures = in_round.aggregate(**aggregates)
    figures["by_stars"] = [(stars, figures[f"stars_{stars}"]) for stars in range(MAX_STARS, 0, -1)]
    figures["by_state"] = [(state, figures[f"state_{state.value}"]) for state in Evaluation.State]
    figures["province_five_star_total"] = round_.province_five_star_total
    figures["province_share"] = _share(figures["five_star_certified"], round_.province_five_star_total)
    return figures


def round_summary_by_area(round_: Round, qs: QuerySet[Evaluation]) -> QuerySet:
    """One row per area of the party organisations in qs: the same counts, grouped in SQL."""
    aggregates = {
        "evaluations": Count("pk"),
        "decided": Count("pk", filter=Q(final_stars__isnull=False)),
        "four_star_named": Count("pk", filter=Q(final_stars=4)),
        "five_star_certified": Count("pk", filter=Q(state=Evaluation.State.CERTIFIED)),
        **{f"stars_{s}": Count("pk", filter=Q(final_stars=s)) for s in range(1, MAX_STARS + 1)},
    }
    return (
        qs.filter(round=round_)
        .values(
            area_name=F("party_organization__area__name"),
            area_order=F("party_organization__area__sort_order"),
            area_code=F("party_organization__area__code"),
        )
        .annotate(**aggregates)
        .order_by("area_order", "area_code")
    )


# --------------------------------------------------------------------------
# The round pages' figures, from the dashboard's rating tally
# --------------------------------------------------------------------------
# round_summary() above counts the records (the definition, and what the
# tally is checked against); the pages read the tally, which every write
# keeps true in its own transaction: a few rows per round and scope, so a
# page costs the same at a hundred evaluations or a million.


def round_figures(round_: Round, user) -> dict[str, Any]:
    """round_summary()'s figures for the user's evaluations of the round."""
    figures = rating_figures(user, round_)
    figures["by_stars"] = [(stars, figures[f"stars_{stars}"]) for stars in range(MAX_STARS, 0, -1)]
    figures["by_state"] = [(state, figures[f"state_{state.value}"]) for state in Evaluation.State]
    return figures


def round_figures_by_area(round_: Round, user) -> list[dict[str, Any]]:
    """round_summary_by_area()'s rows for the user's evaluations of the round.

    An industry committee's rows by area are counted from its own
    evaluations: the tally splits ratings by area or by unit, not by both."""
    if not user.is_citywide and user.role == user.Role.INDUSTRY:
        return list(round_summary_by_area(round_, Evaluation.objects.for_user(user)))

    def total(**bucket) -> Sum:
        return Coalesce(Sum("evaluations", filter=Q(**bucket)), 0)

    return list(
        RatingTally.objects.by_area(user)
        .filter(round=round_)
        .values(area_name=F("area__name"), area_order=F("area__sort_order"), area_code=F("area__code"))
        .annotate(
            decided=total(final_stars__gt=0),
            four_star_named=total(final_stars=4),
            five_star_certified=total(state=Evaluation.State.CERTIFIED),
            **{f"stars_{stars}": total(final_stars=stars) for stars in range(1, MAX_STARS + 1)},
            # Last: the name is the tally's own column, which the sums above read.
            evaluations=Coalesce(Sum("evaluations"), 0),
        )
        .filter(evaluations__gt=0)
        .order_by("area_order", "area_code")
    )


def evaluation_counts_by_round(user) -> dict[int, int]:
    """{round id: the user's evaluations in it}."""
    rows = RatingTally.objects.own(user).order_by().values("round").annotate(n=Sum("evaluations"))
    return {row["round"]: row["n"] for row in rows}


# --------------------------------------------------------------------------
# Party organisations: who may be rated, and their standing for pairing
# --------------------------------------------------------------------------


def covers_an_active_organization() -> Exists:
    through = PartyOrganization.organizations.through
    return Exists(
        through.objects.filter(
            partyorganization_id=OuterRef("pk"), socialorganization__status=SocialOrganization.Status.ACTIVE
        )
    )


def ratable_party_organizations() -> QuerySet[PartyOrganization]:
    """Active party organisations covering at least one active organisation."""
    return PartyOrganization.objects.filter(covers_an_active_organization(), status=PartyOrganization.Status.ACTIVE)


def _latest_final_stars() -> Subquery:
    return Subquery(
        Evaluation.objects.filter(party_organization_id=OuterRef("pk"), final_stars__isnull=False)
        .order_by("-round__year")
        .values("final_stars")[:1],
        output_field=IntegerField(),
    )


def _open_warning() -> Exists:
    return Exists(EarlyWarning.objects.filter(party_organization_id=OuterRef("pk"), status=EarlyWarning.Status.OPEN))


def with_standing(qs: QuerySet[PartyOrganization]) -> QuerySet[PartyOrganization]:
    """Annotate `latest_stars` (final stars in the latest round that decided it) and `has_open_warning`."""
    return qs.annotate(latest_stars=_latest_final_stars(), has_open_warning=_open_warning())


def pairing_partners(qs: QuerySet[PartyOrganization]) -> QuerySet[PartyOrganization]:
    """Active party organisations of three stars or more in their latest decided round."""
    return (
        with_standing(qs.filter(status=PartyOrganization.Status.ACTIVE))
        .filter(latest_stars__gte=STRONG_MIN_STARS)
        .select_related("area")
        .order_by("area__sort_order", "name")
    )


def pairing_candidates(qs: QuerySet[PartyOrganization]) -> QuerySet[PartyOrganization]:
    """Active party organisations that may be helped: two stars or fewer, unrated, or warned."""
    return (
        with_standing(qs.filter(status=PartyOrganization.Status.ACTIVE))
        .filter(Q(latest_stars__lte=WEAK_MAX_STARS) | Q(latest_stars__isnull=True) | Q(has_open_warning=True))
        .select_related("area")
        .order_by("area__sort_order", "name")
    )


def pairing_rows() -> QuerySet[Pairing]:
    return Pairing.objects.select_related(
        "party_organization__area", "partner__area", "party_organization__supervising_unit"
    ).order_by("-started_on", "-pk")


# --------------------------------------------------------------------------
# The entry table
# --------------------------------------------------------------------------


def entry_party_organizations(qs: QuerySet[PartyOrganization]) -> QuerySet[PartyOrganization]:
    """The rows of a round's entry table: ratable party organisations in qs (already scoped).

    By name, then key: a page walks the (name, id) index and checks each row's
    EXISTS until it has its rows, instead of testing every party organisation
    to sort them by area (the area is a filter, and shown under the name)."""
    return (
        qs.filter(covers_an_active_organization(), status=PartyOrganization.Status.ACTIVE)
        .select_related("area")
        .order_by("name", "pk")
    )


def entry_evaluations(round_: Round, party_organization_ids: list[int]) -> dict[int, Evaluation]:
    """The round's evaluations of a page of party organisations, with their scores (two queries)."""
    evaluations = Evaluation.objects.filter(round=round_, party_organization_id__in=party_organization_ids)
    return {e.party_organization_id: e for e in evaluations.prefetch_related("scores")}


# The entry table's state filter: a state of the round's evaluation, or none yet.
UNRATED = "unrated"
# A state matching at most this many of the round's evaluations names its rows by key.
ENTRY_RARE_ROWS = 1000


def entry_in_state(qs: QuerySet[PartyOrganization], round_: Round, state: str) -> QuerySet[PartyOrganization]:
    """The party organisations of `qs` whose evaluation in the round is in `state`, or (UNRATED) that have none."""
    evaluations = Evaluation.objects.filter(round=round_)
    if state == UNRATED:
        return qs.filter(~Exists(evaluations.filter(party_organization_id=OuterRef("pk"))))
    # The page walks the names' index testing each row; a rare state (what is
    # left to approve late in a round) would be searched for far past a page,
    # so its few rows are read from the (round, state) index and named by key.
    in_state = evaluations.filter(state=state)
    keys = list(in_state.order_by().values_list("party_organization_id", flat=True)[: ENTRY_RARE_ROWS + 1])
    if len(keys) <= ENTRY_RARE_ROWS:
        return qs.filter(pk__in=keys)
    return qs.filter(Exists(in_state.filter(party_organization_id=OuterRef("pk"))))
