"""Administrators edit the standard here; rounds keep the copy they were
created with, and evaluations are written only through the services."""

from __future__ import annotations

from django.contrib import admin

from . import services
from .models import Criterion, Evaluation, EvaluationEvent, Pairing, Round, RoundItem, RoundThreshold, StarThreshold


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "max_points", "sort_order", "is_active")
    list_editable = ("max_points", "sort_order", "is_active")
    search_fields = ("name", "code")


@admin.register(StarThreshold)
class StarThresholdAdmin(admin.ModelAdmin):
    list_display = ("stars", "min_total")
    ordering = ("stars",)


class NoAddOrChange:
    """Shown in the admin but written by the services (or frozen): never added or changed here.

    Django asks a model admin with the request and an inline with the parent
    object too; the answer is no either way.
    """

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ARG002 (Django admin's signature)
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ARG002 (Django admin's signature)
        return False


class FrozenInline(NoAddOrChange, admin.TabularInline):
    extra = 0
    can_delete = False


class RoundItemInline(FrozenInline):
    model = RoundItem
    fields = ("sort_order", "code", "name", "max_points")


class RoundThresholdInline(FrozenInline):
    model = RoundThreshold
    fields = ("stars", "min_total")


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("year", "status", "province_five_star_total")
    fields = ("year", "status", "province_five_star_total")
    inlines = (RoundItemInline, RoundThresholdInline)
    # Closing goes through the service (it stamps the date).
    readonly_fields = ("status",)

    def get_readonly_fields(self, request, obj=None):
        # Once the round exists, its year is its identity.
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "year") if obj else readonly

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # A round created here gets the standard frozen just like one opened in the app.
            services.round_freeze_criteria(round_=obj)


class EventInline(FrozenInline):
    model = EvaluationEvent
    fields = ("at", "actor", "action", "from_state", "to_state", "total", "stars", "note")
    readonly_fields = fields


@admin.register(Evaluation)
class EvaluationAdmin(NoAddOrChange, admin.ModelAdmin):
    """Read-only: the workflow and its history are written by the services alone."""

    list_display = ("party_organization", "round", "state", "total", "stars", "final_stars")
    list_filter = ("round", "state", "final_stars")
    search_fields = ("party_organization__name",)
    list_select_related = ("party_organization", "round")
    inlines = (EventInline,)

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ARG002 (Django admin's signature)
        return False


@admin.register(Pairing)
class PairingAdmin(NoAddOrChange, admin.ModelAdmin):
    list_display = ("partner", "party_organization", "reason", "started_on", "status")
    list_filter = ("status", "reason")
    search_fields = ("partner__name", "party_organization__name")
    list_select_related = ("partner", "party_organization")
