from django.contrib import admin

from .models import Notice, NoticeMute


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "kind", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("title", "user__username")
    raw_id_fields = ("user",)
    date_hierarchy = "created_at"


@admin.register(NoticeMute)
class NoticeMuteAdmin(admin.ModelAdmin):
    list_display = ("user", "kind")
    raw_id_fields = ("user",)
