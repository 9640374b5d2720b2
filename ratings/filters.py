from __future__ import annotations

import django_filters
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from ui.filters import AreaSubtreeFilter, FilterSet, RelatedNameSearchFilter, SearchFilter

from . import selectors
from .models import MAX_STARS, Evaluation, Pairing, Round
from .selectors import Movement

# A promotion filter matching at most this many rows lists them by key.
RARE_ROWS = 1000

STAR_CHOICES = [(stars, f"{stars}★") for stars in range(MAX_STARS, 0, -1)]


def _round_years() -> list[tuple[int, int]]:
    return [(year, year) for year in Round.objects.order_by("-year").values_list("year", flat=True)]


class OneRoundFilterSet(FilterSet):
    """A list of one round's evaluations. The view reads the round from the
    URL (the latest unless asked) and hands it over as `round_`, with every
    round as `rounds` for the choice, so that the rows, the choice and the
    promotion filter (which compares with the previous round) speak of one
    round, read once."""

    def __init__(self, data=None, *args, round_: Round | None = None, rounds: list[Round] | None = None, **kwargs):
        self.round = round_
        if round_ is not None and "round" in self.base_filters and not (data or {}).get("round"):
            # The form shows the round the rows are of.
            data = data.copy() if data is not None else QueryDict(mutable=True)
            data["round"] = str(round_.year)
        super().__init__(data, *args, **kwargs)
        if rounds is not None and "round" in self.filters:
            self.filters["round"].extra["choices"] = [(r.year, r.year) for r in rounds]

    def filter_round(self, qs, name, value):  # noqa: ARG002 (django-filter calls method= filters with the field name)
        # The view's rows are already this round's.
        return qs if self.round is not None else qs.filter(round__year=value)

    def filter_movement(self, qs, name, value):  # noqa: ARG002 (django-filter calls method= filters with the field name)
        if not value or self.round is None:
            return qs
        rows = qs.filter(selectors.movement_condition(self.round, [value]))
        # A rare promotion (moving down is) would be found by reading the name
        # index far past a page, row by row: when it is rare, its rows are
        # named by key (one pass over the round's two sets of evaluations)
        # and the page sorts just those.
        keys = list(rows.order_by().values_list("pk", flat=True)[: RARE_ROWS + 1])
        return rows if len(keys) > RARE_ROWS else qs.filter(pk__in=keys)


class EvaluationFilter(OneRoundFilterSet):
    q = SearchFilter(
        label=_("Party organisation"),
        fields=("party_organization__name",),
        gram_indexed=("party_organization__name",),
    )
    # One round at a time: no "every round" choice (a list across rounds could
    # not be read in name order from an index).
    round = django_filters.ChoiceFilter(label=_("Round"), choices=_round_years, empty_label=None, method="filter_round")
    area = AreaSubtreeFilter(label=_("Area"), field_name="party_organization__area", by_key=True)
    state = django_filters.ChoiceFilter(label=_("State"), choices=Evaluation.State.choices)
    final_stars = django_filters.ChoiceFilter(label=_("Final stars"), choices=STAR_CHOICES)
    movement = django_filters.ChoiceFilter(label=_("Promotion"), choices=Movement.choices, method="filter_movement")

    class Meta:
        model = Evaluation
        fields = ["q", "round", "area", "state", "final_stars", "movement"]


class MoversFilter(OneRoundFilterSet):
    area = AreaSubtreeFilter(label=_("Area"), field_name="party_organization__area", by_key=True)
    movement = django_filters.ChoiceFilter(
        label=_("Promotion"),
        choices=[(movement.value, movement.label) for movement in (Movement.UP, Movement.DOWN)],
        method="filter_movement",
    )

    class Meta:
        model = Evaluation
        fields = ["area", "movement"]


class PairingFilter(FilterSet):
    q = RelatedNameSearchFilter(
        label=_("Party organisation"),
        related={"party_organization": "organizations.PartyOrganization", "partner": "organizations.PartyOrganization"},
    )
    # Not by key: a district sees the pairings its organisations help in as
    # well (PairingQuerySet.for_user), which the helped side's area would drop.
    area = AreaSubtreeFilter(label=_("Area"), field_name="party_organization__area")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Pairing.Status.choices)
    reason = django_filters.ChoiceFilter(label=_("Why it needs help"), choices=Pairing.Reason.choices)

    class Meta:
        model = Pairing
        fields = ["q", "area", "status", "reason"]
