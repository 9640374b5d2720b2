"""The scope a change page is about: the user's own, narrowed to an area or a
supervising unit among those the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.permissions import restrict
from organizations.models import Area, SupervisingUnit

if TYPE_CHECKING:
    from accounts.models import User


class ChangeScopeForm(forms.Form):
    # By code, as the overview's area pages are addressed.
    area = forms.ModelChoiceField(
        Area.objects.none(), to_field_name="code", required=False, label=_("Area"), empty_label=_("All")
    )
    unit = forms.ModelChoiceField(
        SupervisingUnit.objects.none(), required=False, label=_("Supervising unit"), empty_label=_("All")
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the user may see is a valid choice, so another district's
        # code in the URL is refused, not silently widened.
        areas = Area.objects.registration_areas().exclude(level=Area.Level.CITY)
        self.fields["area"].queryset = restrict(areas, user)
        self.fields["unit"].queryset = restrict(SupervisingUnit.objects.all(), user)
