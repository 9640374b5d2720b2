from __future__ import annotations

from django import forms

from organizations.forms import DateInput
from ui.forms import BoundedInputMixin

from .models import PoliticalBuilding


class PoliticalBuildingForm(BoundedInputMixin, forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    class Meta:
        model = PoliticalBuilding
        fields = [
            "charter_on",
            "charter_evidence",
            "members_in_management",
            "management_on_committee",
            "cross_appointed_on",
            "cross_appointment_evidence",
            "secretary_meetings_on",
            "secretary_meetings_evidence",
            "consultation_on",
            "consultation_evidence",
        ]
        widgets = {name: DateInput() for name in fields if name.endswith("_on")}
