"""Form helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import bounds


def add_service_errors(
    form: forms.BaseForm, exc: ValidationError, *, field_for: Callable[[str], str | None] | None = None
) -> None:
    """Put a service's ValidationError on the form fields it names, the rest on
    the form. `field_for` maps a model field the form calls differently."""
    errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for field, field_errors in errors.items():
        name = field
        if field and field not in form.fields and field_for is not None:
            name = field_for(field) or field
        form.add_error(name if name in form.fields else None, field_errors)


class BoundedInputMixin:
    """Every field of the form within plausible bounds (ui.bounds), set in one
    place: whole numbers up to COUNT_MAX (a tighter maximum of the field is
    kept) and not negative, amounts up to MONEY_MAX, dates from 1949-10-01 to
    ten years ahead, text with something visible and no control characters,
    phone fields (named ...phone) as phone numbers. Browsers get the same
    limits as min/max attributes.

    The bounds are checked last, after the fields', the form's and the
    model's own rules, on each field those left without an error: a rule that
    says more ("a registration date cannot lie in the future") keeps its words,
    and an implausible value is refused on its field whatever else is wrong."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._bounds = {name: checks for name, field in self.fields.items() if (checks := _bounds_of(name, field))}

    def _post_clean(self):
        super()._post_clean()
        for name, checks in self._bounds.items():
            if name not in self.cleaned_data or name in self.errors:
                continue
            for check in checks:
                try:
                    check(self.cleaned_data[name])
                except ValidationError as exc:
                    self.add_error(name, exc)
                    break


def _bounds_of(name: str, field: forms.Field) -> list[Callable[[Any], None]]:
    if isinstance(field, forms.IntegerField | forms.DecimalField):
        is_money = isinstance(field, forms.DecimalField)
        limit = bounds.MONEY_MAX if is_money else bounds.COUNT_MAX
        checks = []
        if field.min_value is None:
            checks.append(_not_negative)
            field.widget.attrs.setdefault("min", "0")
        if field.max_value is None or field.max_value > limit:
            checks.append(bounds.validate_money if is_money else bounds.validate_count)
            field.widget.attrs["max"] = str(limit)
        return checks
    if isinstance(field, forms.DateField):
        field.widget.attrs.setdefault("min", bounds.EARLIEST_DATE.isoformat())
        field.widget.attrs.setdefault("max", bounds.latest_date().isoformat())
        return [bounds.validate_date]
    if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
        return [bounds.validate_text, bounds.validate_phone] if "phone" in name else [bounds.validate_text]
    return []


def _not_negative(value) -> None:
    if value is not None and value < 0:
        raise ValidationError(_("Give zero or more."), code="negative")
