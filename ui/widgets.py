"""Pickers: choosers over rows too many to list (organisations, party
organisations, communities).

The widget renders a plain <select> holding only the chosen option(s) plus
the endpoint's address; static/js/pickers.js turns it into a search box that
asks the endpoint (ui/autocomplete.py) as the user types. Without JavaScript
the chosen value still shows and is posted back unchanged.

The field still validates against the user's scoped queryset, so a posted id
outside it is refused with a message, whatever the browser sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

SEARCH_PLACEHOLDER = _("Type a name or credit code to search…")
NAME_PLACEHOLDER = _("Type a name to search…")
NO_MATCH = _("Nothing you may choose matches.")
REMOVE = _("Remove")
CLEAR = _("Clear")
NOT_PICKABLE = _(
    "That record is not one you may choose here: it is outside your scope or cannot be chosen. "
    "Type part of its name and pick from the matches."
)


class PickerMixin:
    """Render only the selected options, and the data attributes pickers.js reads."""

    def __init__(self, url_name: str, *, placeholder=None, attrs: dict[str, Any] | None = None):
        super().__init__(attrs)
        self.url_name = url_name
        self.placeholder = placeholder or NAME_PLACEHOLDER

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        # Reversed per render, not at import: forms are declared before the URLconf loads.
        attrs["data-picker-url"] = reverse(self.url_name)
        attrs["data-picker-placeholder"] = str(self.placeholder)
        attrs["data-picker-empty"] = str(NO_MATCH)
        attrs["data-picker-remove" if self.allow_multiple_selected else "data-picker-clear"] = str(
            REMOVE if self.allow_multiple_selected else CLEAR
        )
        return attrs

    def optgroups(self, name, value, attrs=None):
        field = getattr(self.choices, "field", None)
        # Ids only: the value may be whatever was posted, and a non-number is no row.
        ids = [v for v in map(str, value) if v.isdigit()]
        chosen = []
        if ids and field is not None:
            # Through the field's (scoped) queryset: a posted id the user may not
            # pick is not shown back, only refused.
            chosen = [self.choices.choice(obj) for obj in self.choices.queryset.filter(pk__in=ids)]
        options = []
        if not self.allow_multiple_selected and field is not None and field.empty_label is not None:
            options.append(self.create_option(name, "", field.empty_label, not chosen, 0, attrs=attrs))
        for option_value, label in chosen:
            options.append(self.create_option(name, option_value, label, True, len(options), attrs=attrs))
        return [(None, options, 0)] if options else []


class AutocompleteSelect(PickerMixin, forms.Select):
    pass


class AutocompleteSelectMultiple(PickerMixin, forms.SelectMultiple):
    pass


class PickerFieldMixin:
    """A model choice field with a picker: the endpoint's URL name, a label
    function shared with the endpoint, and a message that says what to do."""

    default_error_messages = {"invalid_choice": NOT_PICKABLE}
    widget_class: type[forms.Widget]

    def __init__(
        self,
        *,
        url: str,
        label_from: Callable[[Any], str] | None = None,
        placeholder=None,
        queryset=None,
        **kwargs,
    ):
        kwargs.setdefault("widget", self.widget_class(url, placeholder=placeholder))
        super().__init__(queryset=queryset, **kwargs)
        if label_from is not None:
            self.label_from_instance = label_from


class PickerChoiceField(PickerFieldMixin, forms.ModelChoiceField):
    widget_class = AutocompleteSelect


class PickerMultipleChoiceField(PickerFieldMixin, forms.ModelMultipleChoiceField):
    widget_class = AutocompleteSelectMultiple
