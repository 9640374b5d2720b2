"""The security audit log (安全审计): one append-only row per event.

Rows are written by `audit.recording.record` and never changed: the admin
offers no change or delete, and on PostgreSQL a trigger refuses UPDATE and
DELETE on the table except inside the retention job's transaction
(migrations/0002_append_only.py, audit/retention.py).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGOUT = "logout", _("Logout")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKED_OUT = "locked_out", _("Locked out")
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Delete")
        EXPORT = "export", _("Export")
        IMPORT = "import", _("Import")
        PERMISSION_DENIED = "permission_denied", _("Permission refused")
        ADMIN_CHANGE = "admin_change", _("Administrative change")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Succeeded")
        FAILURE = "failure", _("Failed")
        REFUSED = "refused", _("Refused")

    # The real time, not the one clock (xian_partybuild.clock), which a demo pins to a past day.
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    # DO_NOTHING without a database constraint: deleting a user must not
    # update (SET NULL) or delete (CASCADE) rows the trigger keeps unchanged;
    # the entry keeps the id and the name (username) of whoever it was.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # The name typed at a failed login, or the user's name when the entry was written.
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    kind = models.CharField(_("event"), max_length=24, choices=Kind.choices)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("record type"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_repr = models.CharField(_("audited record"), max_length=200, blank=True)
    # For an update: the changed fields' values before and after.
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # Export filters and row count, import file and rows, a refusal's address and reason.
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_at"], name="audit_created"),
            models.Index(fields=["user", "created_at"], name="audit_user_created"),
            models.Index(fields=["kind", "created_at"], name="audit_kind_created"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.username} {self.kind}"
