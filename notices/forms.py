from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Notice


class MuteForm(forms.Form):
    muted = forms.MultipleChoiceField(
        label=_("Do not notify me of"),
        choices=Notice.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
