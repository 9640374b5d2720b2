"""Forms validate input and say where it is wrong; the services do the writing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from organizations.forms import DateInput
from organizations.models import PartyOrganization
from ui.forms import BoundedInputMixin
from ui.widgets import PickerChoiceField

from . import selectors
from .models import Pairing, Round, RoundItem


def points_field_name(item: RoundItem) -> str:
    return f"p_{item.code}"


class PointsInput(forms.TextInput):
    """A plain text box: number inputs change their value on a mouse wheel
    and swallow what is not a number, which the server should report."""

    def __init__(self, attrs=None):
        base = {"inputmode": "numeric", "autocomplete": "off", "size": 3, "class": "points"}
        super().__init__({**base, **(attrs or {})})


class ScoresMixin:
    """One points field per round item, within the item's range."""

    def add_item_fields(self, items: list[RoundItem]) -> None:
        self.items = items
        for item in items:
            self.fields[points_field_name(item)] = forms.IntegerField(
                label=f"{item.name} (0–{item.max_points})",
                min_value=0,
                max_value=item.max_points,
                required=False,
                widget=PointsInput({"data-max": item.max_points, "data-item": item.code}),
            )

    def points(self) -> dict[str, int | None]:
        return {item.code: self.cleaned_data.get(points_field_name(item)) for item in self.items}


class EntryRowForm(BoundedInputMixin, ScoresMixin, forms.Form):
    """One row of the round entry table: a party organisation's scores."""

    evidence = forms.CharField(
        label=_("evidence notes"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"class": "evidence", "autocomplete": "off"}),
    )

    def __init__(self, *args, items: list[RoundItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.add_item_fields(items)
        # Evidence last, so that Tab runs along the scores first.
        self.order_fields([points_field_name(i) for i in items] + ["evidence"])

    @property
    def is_blank(self) -> bool:
        """Nothing typed in the row: it is left alone."""
        return all(not (self.data.get(self.add_prefix(name)) or "").strip() for name in self.fields)

    def clean(self):
        cleaned = super().clean()
        if self.is_blank:
            return cleaned
        for item in self.items:
            name = points_field_name(item)
            if name not in self.errors and cleaned.get(name) is None:
                self.add_error(name, _("Give a score for every item."))
        return cleaned


class EvaluationScoresForm(BoundedInputMixin, ScoresMixin, forms.Form):
    """One evaluation's scores and evidence."""

    evidence = forms.CharField(label=_("evidence notes"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, items: list[RoundItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.add_item_fields(items)
        for item in items:
            self.fields[points_field_name(item)].required = True
        self.order_fields([points_field_name(i) for i in items] + ["evidence"])


class ReturnForm(BoundedInputMixin, forms.Form):
    reason = forms.CharField(label=_("reason for return"), widget=forms.Textarea(attrs={"rows": 4}))


class ProvinceDateForm(BoundedInputMixin, forms.Form):
    on = forms.DateField(label=_("date"), widget=DateInput(), initial=dt.date.today)


class ProvinceResultForm(ProvinceDateForm):
    note = forms.CharField(label=_("provincial result notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class EmptyForm(BoundedInputMixin, forms.Form):
    """Submit and approve take no input: the button is the decision."""


class RoundCreateForm(BoundedInputMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    province_five_star_total = forms.IntegerField(
        label=_("five-star organisations in the province"), min_value=0, required=False
    )


class RoundUpdateForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = Round
        fields = ["province_five_star_total", "status"]


def standing_label(obj: PartyOrganization) -> str:
    """A party organisation with its area and standing, as the pairing pickers show it."""
    stars = getattr(obj, "latest_stars", None)
    standing = f"{stars}★" if stars else str(_("unrated"))
    return f"{obj.name}（{obj.area} · {standing}）"


class PartyOrganizationChoiceField(PickerChoiceField):
    """A picker over party organisations (ratings.views.autocomplete): never a list of them all."""

    def __init__(self, **kwargs):
        super().__init__(label_from=standing_label, **kwargs)


def _pairing_field(name: str, **kwargs: Any) -> forms.Field:
    """The form field the Pairing model defines for `name` (label, choices, required)."""
    return Pairing._meta.get_field(name).formfield(**kwargs)


class PairingCreateForm(BoundedInputMixin, forms.Form):
    """A plain form over the model's fields: the service builds and validates the
    pairing (it needs the actor), so no instance is built or checked here."""

    partner = PartyOrganizationChoiceField(
        url="ratings:autocomplete-pairing-partners", label=_("partner (three stars or more)")
    )
    party_organization = PartyOrganizationChoiceField(
        url="ratings:autocomplete-pairing-candidates",
        label=_("party organisation helped"),
        help_text=_("Two stars or fewer in its latest approved rating, not yet rated, or with an open early warning."),
    )
    started_on = _pairing_field("started_on", widget=DateInput())
    goals = _pairing_field("goals", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scoped = PartyOrganization.objects.for_user(user)
        # The choices follow the rule so that users pick from what may work;
        # the service checks the rule again and says why when it does not.
        self.fields["partner"].queryset = selectors.pairing_partners(scoped)
        self.fields["party_organization"].queryset = selectors.pairing_candidates(scoped)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("partner") and cleaned.get("partner") == cleaned.get("party_organization"):
            raise ValidationError(_("A party organisation cannot be paired with itself."))
        return cleaned


class PairingUpdateForm(BoundedInputMixin, forms.Form):
    """A plain form over the model's fields: the service fills the end date and
    checks the pairing, so the record is not changed or validated here."""

    progress_notes = _pairing_field("progress_notes", widget=forms.Textarea(attrs={"rows": 6}))
    status = _pairing_field("status")
    ended_on = _pairing_field(
        "ended_on",
        widget=DateInput(),
        help_text=_("Leave empty to use today when the pairing is completed or ended."),
    )
