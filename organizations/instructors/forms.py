from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ui.forms import BoundedInputMixin
from ui.widgets import SEARCH_PLACEHOLDER, PickerMultipleChoiceField
from xian_partybuild import clock

from ..autocomplete import organization_label
from ..forms import DateInput
from ..models import InstructorAssignment
from .selectors import assignable_organizations
from .services import MAX_AT_ONCE, Person

_NAME = InstructorAssignment._meta.get_field("person_name")
_PHONE = InstructorAssignment._meta.get_field("phone")


class PersonFields(BoundedInputMixin, forms.Form):
    person_name = forms.CharField(label=_("full name"), max_length=_NAME.max_length)
    role = forms.ChoiceField(label=_("role"), choices=InstructorAssignment.Role.choices)
    phone = forms.CharField(label=_PHONE.verbose_name, max_length=_PHONE.max_length, required=False)

    def person(self) -> Person:
        data = self.cleaned_data
        return Person(name=data["person_name"], role=data["role"], phone=data["phone"])


class AssignForm(PersonFields):
    started_on = forms.DateField(label=_("start date"), widget=DateInput())
    organizations = PickerMultipleChoiceField(
        url="organizations:autocomplete-organizations",
        label_from=organization_label,
        placeholder=SEARCH_PLACEHOLDER,
        label=_("organisations"),
        help_text=_("Type part of a name or credit code and pick; at most %(limit)s at once.") % {"limit": MAX_AT_ONCE},
    )

    field_order = ["organizations", "person_name", "role", "phone", "started_on"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = assignable_organizations(user=user).select_related("area")
        self.fields["started_on"].initial = clock.today()


class EndForm(BoundedInputMixin, forms.Form):
    ended_on = forms.DateField(label=_("last day served"), widget=DateInput())


class HandOverForm(PersonFields):
    started_on = forms.DateField(label=_("takes over on"), widget=DateInput())
