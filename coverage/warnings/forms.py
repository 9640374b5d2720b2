"""The rectification form: types and required fields only; the rules about
dates live in coverage.warnings.services.warning_rectify."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.forms import DateInput
from ui.forms import BoundedInputMixin


class WarningRectifyForm(BoundedInputMixin, forms.Form):
    note = forms.CharField(
        label=_("Rectification measures"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is being done about this warning, by whom."),
    )
    started_on = forms.DateField(label=_("Rectification started"), required=False, widget=DateInput())
    due_on = forms.DateField(label=_("Rectification due"), required=False, widget=DateInput())
