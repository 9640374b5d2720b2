"""Forms validate input and say where it is wrong; the services do the writing.

Choice fields are built from the user's scoped querysets, so a district
official can only pick their own areas and a committee only its own unit.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ui.forms import BoundedInputMixin
from ui.widgets import SEARCH_PLACEHOLDER, PickerChoiceField, PickerMultipleChoiceField

from .autocomplete import (
    location_label,
    organization_label,
    party_organization_label,
    pickable_locations,
    pickable_organizations,
    pickable_parents,
)
from .models import Area, PartyOrganization, SocialOrganization, SupervisingUnit
from .services import default_term_due


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ScopedChoicesMixin:
    """Narrow the related-record choices to the user's scope."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "area" in self.fields:
            self.fields["area"].queryset = Area.objects.for_user(user).registration_areas()
        if "supervising_unit" in self.fields:
            units = SupervisingUnit.objects.for_user(user)
            self.fields["supervising_unit"].queryset = units
            if user.role == user.Role.INDUSTRY:
                self.fields["supervising_unit"].required = True
                self.fields["supervising_unit"].empty_label = None


class SocialOrganizationForm(BoundedInputMixin, ScopedChoicesMixin, forms.ModelForm):
    # A picker: a district has hundreds of communities, the city thousands.
    # The model's clean() refuses a place outside the registration area, and
    # the form shows that message on this field.
    location = PickerChoiceField(
        url="organizations:autocomplete-locations",
        label_from=location_label,
        label=_("Sub-district or community"),
        required=False,
        help_text=_("Choose the sub-district or community where it sits; it must lie in the registration area."),
    )

    class Meta:
        model = SocialOrganization
        fields = [
            "name",
            "credit_code",
            "category",
            "is_trade_association",
            "is_decoupled",
            "area",
            "location",
            "supervising_unit",
            "registered_on",
            "status",
            "deregistered_on",
            "staff_count",
            "formal_party_members",
            "setup_path",
            "setup_contact",
            "setup_contact_phone",
        ]
        widgets = {"registered_on": DateInput(), "deregistered_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["location"].queryset = pickable_locations(user)

    def clean_credit_code(self) -> str:
        # Strip what copy-and-paste adds, but do not silently upper-case: the
        # validator tells the user that the code must be in capitals.
        return self.cleaned_data["credit_code"].strip().replace(" ", "")


class PartyOrganizationForm(BoundedInputMixin, ScopedChoicesMixin, forms.ModelForm):
    # Pickers, not lists: a city-wide user would otherwise get every organisation as an <option>.
    organizations = PickerMultipleChoiceField(
        url="organizations:autocomplete-organizations",
        label_from=organization_label,
        placeholder=SEARCH_PLACEHOLDER,
        label=_("covered organisations"),
        required=True,
        help_text=_("Type part of a name or credit code and pick; pick several for a joint party organisation."),
    )
    parent = PickerChoiceField(
        url="organizations:autocomplete-parent-party-organizations",
        label_from=party_organization_label,
        label=capfirst(PartyOrganization._meta.get_field("parent").verbose_name),
        required=False,
    )

    class Meta:
        model = PartyOrganization
        fields = [
            "name",
            "kind",
            "formation",
            "organizations",
            "parent",
            "area",
            "supervising_unit",
            "secretary",
            "established_on",
            "term_due_on",
            "last_activity_on",
            "member_count",
            "status",
            "dissolved_on",
        ]
        widgets = {
            "established_on": DateInput(),
            "term_due_on": DateInput(),
            "last_activity_on": DateInput(),
            "dissolved_on": DateInput(),
        }
        help_texts = {"term_due_on": _("Leave empty to use the standard term: 5 years for committees, 3 for branches.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["term_due_on"].required = False
        orgs = SocialOrganization.objects.for_user(user).select_related("area")
        covered = self.instance.organizations.all() if self.instance.pk else SocialOrganization.objects.none()
        # Active organisations can be chosen; ones already covered stay valid
        # even when deregistered so that editing does not drop them silently.
        self.fields["organizations"].queryset = (pickable_organizations(user) | orgs.filter(pk__in=covered)).distinct()
        self.fields["parent"].queryset = pickable_parents(user).exclude(pk=self.instance.pk)

    def clean_term_due_on(self) -> dt.date | None:
        # Left empty, the term runs the standard length; fill it in here so that
        # the model's own validation does not demand it first. Kind and
        # establishment date come earlier in the field order, so they are cleaned.
        term_due_on = self.cleaned_data.get("term_due_on")
        kind, established_on = self.cleaned_data.get("kind"), self.cleaned_data.get("established_on")
        if not term_due_on and kind and established_on:
            return default_term_due(kind, established_on)
        return term_due_on
