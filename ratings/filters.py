from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from ui.filters import AreaSubtreeFilter, SearchFilter

from .models import MAX_STARS, Evaluation, Pairing, Round
from .selectors import Movement

STAR_CHOICES = [(stars, f"{stars}★") for stars in range(MAX_STARS, 0, -1)]


class EvaluationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Party organisation"), field_name="party_organization__name", lookup_expr="icontains"
    )
    round = django_filters.ModelChoiceFilter(
        label=_("Round"), queryset=Round.objects.order_by("-year"), to_field_name="year"
    )
    area = AreaSubtreeFilter(label=_("Area"), field_name="party_organization__area")
    state = django_filters.ChoiceFilter(label=_("State"), choices=Evaluation.State.choices)
    final_stars = django_filters.ChoiceFilter(label=_("Final stars"), choices=STAR_CHOICES)
    movement = django_filters.ChoiceFilter(
        label=_("Promotion"),
        field_name="movement",
        choices=Movement.choices,
    )

    class Meta:
        model = Evaluation
        fields = ["q", "round", "area", "state", "final_stars", "movement"]


class MoversFilter(django_filters.FilterSet):
    area = AreaSubtreeFilter(label=_("Area"), field_name="party_organization__area")
    movement = django_filters.ChoiceFilter(
        label=_("Promotion"),
        field_name="movement",
        choices=[(movement.value, movement.label) for movement in (Movement.UP, Movement.DOWN)],
    )

    class Meta:
        model = Evaluation
        fields = ["area", "movement"]


class PairingFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Party organisation"), fields=("party_organization__name", "partner__name"))
    area = AreaSubtreeFilter(label=_("Area"), field_name="party_organization__area")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Pairing.Status.choices)
    reason = django_filters.ChoiceFilter(label=_("Why it needs help"), choices=Pairing.Reason.choices)

    class Meta:
        model = Pairing
        fields = ["q", "area", "status", "reason"]
