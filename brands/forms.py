"""The brand form validates input and says where it is wrong; the service does the writing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ratings.forms import PartyOrganizationChoiceField
from ui.forms import BoundedInputMixin
from xian_partybuild import clock

from .autocomplete import pickable_party_organizations
from .models import FIRST_YEAR, Brand


class BrandForm(BoundedInputMixin, forms.ModelForm):
    party_organization = PartyOrganizationChoiceField(
        url="brands:autocomplete-party-organizations",
        label=_("party organisation"),
        help_text=_("Rated three stars or more in its latest approved rating."),
    )

    class Meta:
        model = Brand
        fields = ["party_organization", "name", "description", "year", "level", "promotion"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The brand's own organisation stays valid even when dissolved since,
        # so that correcting the text does not drop it.
        self.fields["party_organization"].queryset = pickable_party_organizations(
            user, keep_pk=self.instance.party_organization_id
        )
        # The model's clean() refuses a year outside these with its own words.
        self.fields["year"].widget.attrs.update(min=FIRST_YEAR, max=clock.today().year)
        if not self.instance.pk:
            self.initial.setdefault("year", clock.today().year)
