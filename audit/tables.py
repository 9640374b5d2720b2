from __future__ import annotations

import json

import django_tables2 as tables
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


def _as_text(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str) if value else ""


def _label(entry: AuditEntry, name: str) -> str:
    """A changed field by its label (the content type is cached: no query per row)."""
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class() if entry.content_type_id else None
    try:
        return str(model._meta.get_field(name).verbose_name) if model is not None else name
    except FieldDoesNotExist:
        return name  # a score's item code, a field since removed


class AuditEntryTable(tables.Table):
    created_at = tables.DateTimeColumn(verbose_name=_("When"), format="Y-m-d H:i:s")
    username = tables.Column(verbose_name=_("User"))
    ip_address = tables.Column(verbose_name=_("Address"))
    kind = tables.Column(verbose_name=_("Event"))
    object_repr = tables.Column(verbose_name=_("Audited record"), orderable=False)
    changes = tables.Column(verbose_name=_("Changes"), orderable=False)
    details = tables.Column(verbose_name=_("Details"), orderable=False)
    outcome = tables.Column(verbose_name=_("Outcome"))

    class Meta:
        model = AuditEntry
        fields = ("created_at", "username", "ip_address", "kind", "object_repr", "changes", "details", "outcome")
        order_by = ("-created_at",)
        attrs = {"class": "data-table audit-log"}

    def render_changes(self, value, record) -> str:
        return "; ".join(
            f"{_label(record, name)}: {_as_text(old)} → {_as_text(new)}" for name, (old, new) in value.items()
        )

    def render_details(self, value) -> str:
        return _as_text(value)

    def value_changes(self, value) -> str:
        return _as_text(value)

    def value_details(self, value) -> str:
        return _as_text(value)
