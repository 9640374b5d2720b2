"""Form helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Callable

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
    place so that each form shows the error on the field that holds the value,
    whatever else is wrong: whole numbers up to COUNT_MAX (a tighter maximum
    of the field is kept), amounts up to MONEY_MAX, dates from 1949-10-01 to
    ten years ahead, text with something visible and no control characters,
    phone fields (named ...phone) as phone numbers. Browsers get the same
    limits as min/max attributes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            _bound(name, field)


def _bound(name: str, field: forms.Field) -> None:
    if isinstance(field, forms.IntegerField | forms.DecimalField):
        is_money = isinstance(field, forms.DecimalField)
        limit = bounds.MONEY_MAX if is_money else bounds.COUNT_MAX
        if field.max_value is None or field.max_value > limit:
            field.validators.append(bounds.validate_money if is_money else bounds.validate_count)
            field.widget.attrs["max"] = str(limit)
        if field.min_value is None:
            field.validators.append(_not_negative)
            field.widget.attrs.setdefault("min", "0")
    elif isinstance(field, forms.DateField):
        field.validators.append(bounds.validate_date)
        field.widget.attrs.setdefault("min", bounds.EARLIEST_DATE.isoformat())
        field.widget.attrs.setdefault("max", bounds.latest_date().isoformat())
    elif isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
        field.validators.append(bounds.validate_text)
        if "phone" in name:
            field.validators.append(bounds.validate_phone)


def _not_negative(value) -> None:
    if value is not None and value < 0:
        raise ValidationError(_("Give zero or more."), code="negative")
