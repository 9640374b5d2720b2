from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "area", "supervising_unit", "is_active")
    list_filter = ("role", "is_active", "is_superuser")
    autocomplete_fields = ("area", "supervising_unit")
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Scope"), {"fields": ("role", "area", "supervising_unit")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("Scope"), {"fields": ("role", "area", "supervising_unit")}))
