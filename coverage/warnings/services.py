"""Rectification (整改) of an early warning."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Action, require
from audit import recording as audit
from coverage.models import EarlyWarning
from xian_partybuild import clock

if TYPE_CHECKING:
    from accounts.models import User

RECTIFICATION_FIELDS = (
    "rectification_note",
    "rectification_started_on",
    "rectification_due_on",
    "rectification_updated_by",
)


@transaction.atomic
def warning_rectify(
    *, actor: User, warning: EarlyWarning, note: str, started_on: dt.date | None, due_on: dt.date | None
) -> EarlyWarning:
    """Record what is being done about a warning and by when.

    The warning stays open: it clears only when a scan finds its rule no
    longer holds, whatever the notes say.
    """
    require(actor, Action.RECTIFY, warning)
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if not note:
        errors["note"] = _("Describe the rectification measures.")
    if started_on and started_on > clock.today():
        errors["started_on"] = _("The rectification cannot start in the future.")
    if started_on and due_on and due_on < started_on:
        errors["due_on"] = _("The rectification due date cannot precede its start.")
    if errors:
        raise ValidationError(errors)
    before = audit.field_values(warning, RECTIFICATION_FIELDS)
    warning.rectification_note = note
    warning.rectification_started_on = started_on
    warning.rectification_due_on = due_on
    warning.rectification_updated_by = actor
    warning.save(update_fields=list(RECTIFICATION_FIELDS))
    audit.record_write(actor=actor, instance=warning, before=before)
    return warning
