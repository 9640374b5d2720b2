from django.contrib import admin

from .models import Area, InstructorAssignment, PartyOrganization, SocialOrganization, SupervisingUnit


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "parent", "division_code")
    list_filter = ("level",)
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)


@admin.register(SupervisingUnit)
class SupervisingUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "has_industry_committee", "industry_committee_name")
    list_filter = ("has_industry_committee",)
    search_fields = ("name", "industry_committee_name")


class InstructorInline(admin.TabularInline):
    model = InstructorAssignment
    extra = 0


@admin.register(SocialOrganization)
class SocialOrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "category", "area", "supervising_unit", "status", "formal_party_members")
    list_filter = ("category", "status", "area", "is_trade_association", "is_decoupled")
    search_fields = ("name", "credit_code")
    autocomplete_fields = ("area", "supervising_unit")
    list_select_related = ("area", "supervising_unit")
    inlines = [InstructorInline]

    def has_delete_permission(self, request, obj=None):  # noqa: ARG002 (Django admin's signature)
        # Deregistered organisations are kept; deregistration is a status.
        return False


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "formation", "area", "secretary", "term_due_on", "status")
    list_filter = ("kind", "formation", "status", "area")
    search_fields = ("name", "secretary")
    autocomplete_fields = ("area", "supervising_unit", "parent", "organizations")
    list_select_related = ("area",)


@admin.register(InstructorAssignment)
class InstructorAssignmentAdmin(admin.ModelAdmin):
    list_display = ("person_name", "role", "organization", "started_on", "ended_on")
    list_filter = ("role",)
    search_fields = ("person_name", "organization__name")
    autocomplete_fields = ("organization",)
    list_select_related = ("organization",)
