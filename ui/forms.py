"""Form helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError


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
