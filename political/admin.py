from django.contrib import admin

from .models import PoliticalBuilding


@admin.register(PoliticalBuilding)
class PoliticalBuildingAdmin(admin.ModelAdmin):
    list_display = ("organization", "charter_on", "cross_appointed_on", "secretary_meetings_on", "consultation_on")
    raw_id_fields = ("organization",)
    search_fields = ("organization__name",)
