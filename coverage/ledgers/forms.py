"""Forms for the ledger pages: they check input; the ledger and import
services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import Area, SupervisingUnit
from ui.forms import BoundedInputMixin

from .imports import parsing
from .selectors import ledger_period_choices
from .services import chooses_target


class PeriodChoiceField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Half-year"))
        super().__init__(choices=(), **kwargs)

    def refresh(self) -> None:
        # Evaluated per form, not at import time: periods appear with recounts.
        # Only ended, recounted half-years, newest first; the newest is the
        # default unless the page asks for another.
        self.choices = [(code, code) for code in ledger_period_choices()]
        self.initial = self.choices[0][0] if self.choices else None


class LedgerSubmitForm(BoundedInputMixin, forms.Form):
    period = PeriodChoiceField()
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Anything the organisation department should know about this ledger."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].refresh()


class LedgerReviewForm(BoundedInputMixin, forms.Form):
    class Action:
        ACCEPT = "accept"
        RETURN = "return"
        REOPEN = "reopen"

    action = forms.ChoiceField(
        choices=[(Action.ACCEPT, _("Accept")), (Action.RETURN, _("Return")), (Action.REOPEN, _("Reopen"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning. When reopening, a reason returns the ledger to its owner."),
    )


class LedgerImportForm(BoundedInputMixin, forms.Form):
    period = PeriodChoiceField()
    file = forms.FileField(label=_("Ledger file"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
    # The organisation department chooses where an import goes; everybody
    # else imports into their own scope and these fields are removed.
    area = forms.ModelChoiceField(label=_("area"), queryset=Area.objects.none(), required=False)
    supervising_unit = forms.ModelChoiceField(
        label=_("supervising unit"), queryset=SupervisingUnit.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.chooses_target = chooses_target(user)
        self.fields["period"].refresh()
        # Here, not on the field: the limits are numbers and the words the reader's.
        self.fields["file"].help_text = _(
            "An .xlsx workbook or a .csv file (UTF-8 or GB18030) in the ledger template, "
            "at most %(size)s MB and %(rows)s rows."
        ) % {"size": parsing.MAX_BYTES // 1024 // 1024, "rows": f"{parsing.MAX_ROWS:,}"}
        if self.chooses_target:
            self.fields["area"].queryset = (
                Area.objects.for_user(user).registration_areas().exclude(level=Area.Level.CITY)
            )
            self.fields["supervising_unit"].queryset = SupervisingUnit.objects.for_user(user)
            self.fields["area"].help_text = _("Choose an area or a supervising unit.")
        else:
            del self.fields["area"]
            del self.fields["supervising_unit"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused before the content is read, so an oversized upload costs
        # nothing more than its transfer.
        if upload.size > parsing.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB; split the ledger into smaller files."),
                code="too_large",
                params={"limit": parsing.MAX_BYTES // 1024 // 1024},
            )
        if not upload.name.lower().endswith(parsing.EXTENSIONS):
            raise forms.ValidationError(_("Upload the ledger as an .xlsx or .csv file."), code="extension")
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.chooses_target and (cleaned.get("area") is None) == (cleaned.get("supervising_unit") is None):
            raise forms.ValidationError(_("Choose either an area or a supervising unit to import into."), code="target")
        return cleaned
