"""The audit log page: the auditor's alone (the permission rule), a filtered,
paginated list with CSV and Excel export like every list; its export is
itself an audited event."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ui.views import ScopedListView

from .filters import AuditEntryFilter
from .models import AuditEntry
from .tables import AuditEntryTable


class AuditLogView(ScopedListView):
    model = AuditEntry
    table_class = AuditEntryTable
    filterset_class = AuditEntryFilter
    export_name = "audit-log"
    extra_context = {"title": _("Audit log")}
