from django.contrib import admin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ("filename", "user", "status", "rows_written", "rows_total", "created_at", "expires_at")
    list_filter = ("status",)
    list_select_related = ("user",)
    readonly_fields = [field.name for field in ExportJob._meta.fields]
