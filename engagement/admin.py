from django.contrib import admin

from .models import Contribution, PilotAssignment, PilotCommunity, PlaqueAward, TrainingBase, TrainingSession


class TrainingSessionInline(admin.TabularInline):
    model = TrainingSession
    extra = 0


@admin.register(TrainingBase)
class TrainingBaseAdmin(admin.ModelAdmin):
    list_display = ("name", "host_organization", "host_name", "area", "is_provincial_point", "active")
    list_filter = ("is_provincial_point", "active", "area", *TrainingBase.FUNCTION_FIELDS.values())
    search_fields = ("name", "host_name", "host_organization__name")
    autocomplete_fields = ("host_organization", "area")
    list_select_related = ("host_organization", "area")
    inlines = [TrainingSessionInline]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ("held_on", "topic", "base", "attendees", "new_secretaries")
    list_filter = ("held_on",)
    search_fields = ("topic", "base__name")
    autocomplete_fields = ("base",)
    list_select_related = ("base",)
    date_hierarchy = "held_on"


class PilotAssignmentInline(admin.TabularInline):
    model = PilotAssignment
    extra = 0
    autocomplete_fields = ("organization",)


@admin.register(PilotCommunity)
class PilotCommunityAdmin(admin.ModelAdmin):
    list_display = ("community", "selected_on")
    search_fields = ("community__name",)
    autocomplete_fields = ("community",)
    list_select_related = ("community",)
    inlines = [PilotAssignmentInline]


@admin.register(PilotAssignment)
class PilotAssignmentAdmin(admin.ModelAdmin):
    list_display = ("organization", "community", "selected_on", "star_level_at_selection")
    list_filter = ("star_level_at_selection",)
    search_fields = ("organization__name", "community__community__name")
    autocomplete_fields = ("organization", "community")
    list_select_related = ("organization", "community__community")


@admin.register(PlaqueAward)
class PlaqueAwardAdmin(admin.ModelAdmin):
    list_display = ("organization", "awarded_on", "place", "community", "agreement_signed")
    list_filter = ("agreement_signed", "awarded_on")
    search_fields = ("organization__name", "place")
    autocomplete_fields = ("organization", "community")
    list_select_related = ("organization", "community__community")


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = (
        "made_on",
        "organization",
        "kind",
        "money_yuan",
        "goods_value_yuan",
        "people_helped",
        "is_exemplary_case",
        "teams_sent",
    )
    list_filter = ("kind", "is_exemplary_case")
    search_fields = ("organization__name", "description")
    autocomplete_fields = ("organization",)
    list_select_related = ("organization",)
    date_hierarchy = "made_on"
