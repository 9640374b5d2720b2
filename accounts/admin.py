from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .lockout import lockout_clear
from .models import LoginFailure, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "area", "supervising_unit", "is_active")
    list_filter = ("role", "is_active", "is_superuser")
    autocomplete_fields = ("area", "supervising_unit")
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Scope"), {"fields": ("role", "area", "supervising_unit")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("Scope"), {"fields": ("role", "area", "supervising_unit")}))
    actions = ["unlock"]

    # The security administrator unlocks: whoever may delete login failures.
    @admin.action(description=_("Unlock the selected accounts (forget their failed logins)"), permissions=["unlock"])
    def unlock(self, request, queryset):
        forgotten = sum(lockout_clear(username=user.username) for user in queryset)
        self.message_user(
            request,
            ngettext(
                "%(users)d account unlocked; %(count)d failed login forgotten.",
                "%(users)d accounts unlocked; %(count)d failed logins forgotten.",
                forgotten,
            )
            % {"users": queryset.count(), "count": forgotten},
            messages.SUCCESS,
        )

    def has_unlock_permission(self, request):
        return request.user.has_perm("accounts.delete_loginfailure")


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Read-only: failures are recorded by the login page; deleting them unlocks."""

    list_display = ("username", "ip_address", "attempted_at")
    list_filter = ("attempted_at",)
    search_fields = ("username", "ip_address")
    date_hierarchy = "attempted_at"

    def has_add_permission(self, request):  # noqa: ARG002 (the admin API passes it)
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ARG002 (the admin API passes them)
        return False
