"""Read-only, and only for whom the permission rule lets read the log (the
auditor): no add, change or delete for anyone, superusers included."""

from django.contrib import admin

from accounts.permissions import Action, can

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "username", "ip_address", "kind", "object_repr", "outcome")
    list_filter = ("kind", "outcome")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    def has_module_permission(self, request):
        return can(request.user, Action.VIEW, AuditEntry)

    def has_view_permission(self, request, obj=None):  # noqa: ARG002 (the admin API passes it)
        return can(request.user, Action.VIEW, AuditEntry)

    def has_add_permission(self, request):  # noqa: ARG002 (the admin API passes it)
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ARG002 (the admin API passes them)
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ARG002 (the admin API passes them)
        return False
