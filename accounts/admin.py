from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .lockout import lockout_clear
from .models import LoginFailure, User
from .second_factor import device_reset


class InitialPasswordCreationForm(AdminUserCreationForm):
    """A password an administrator gives a new account is an initial one: its user must replace it."""

    def save(self, commit=True):
        self.instance.must_change_password = True
        return super().save(commit)


class ResetPasswordForm(AdminPasswordChangeForm):
    """A password an administrator sets is a reset: its user must replace it (accounts/password_expiry.py)."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = InitialPasswordCreationForm
    change_password_form = ResetPasswordForm
    list_display = ("username", "get_full_name", "role", "area", "supervising_unit", "is_active")
    list_filter = ("role", "is_active", "is_superuser")
    autocomplete_fields = ("area", "supervising_unit")
    readonly_fields = ("password_changed_at",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Scope"), {"fields": ("role", "area", "supervising_unit")}),
        (_("Password"), {"fields": ("password_changed_at", "must_change_password")}),
    )
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("Scope"), {"fields": ("role", "area", "supervising_unit")}))
    actions = ["unlock", "reset_second_factor"]

    # The security administrator unlocks: whoever may delete login failures.
    @admin.action(description=_("Unlock the selected accounts (forget their failed logins)"), permissions=["unlock"])
    def unlock(self, request, queryset):
        forgotten = 0
        for user in queryset:
            forgotten += lockout_clear(username=user.username)
            # In the admin's log, and with it in the security audit log: who unlocked whom.
            self.log_change(request, user, "Unlocked: failed logins forgotten.")
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

    # The security administrator resets a lost authenticator: whoever may delete TOTP devices.
    @admin.action(
        description=_("Reset two-step verification of the selected accounts (they set it up again)"),
        permissions=["reset_second_factor"],
    )
    def reset_second_factor(self, request, queryset):
        removed = sum(device_reset(user=user) for user in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d authenticator removed: its owner sets two-step verification up again at the next login.",
                "%(count)d authenticators removed: their owners set two-step verification up again at the next login.",
                removed,
            )
            % {"count": removed},
            messages.SUCCESS,
        )

    def has_reset_second_factor_permission(self, request):
        return request.user.has_perm("otp_totp.delete_totpdevice")


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
