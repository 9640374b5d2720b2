"""What the community pickers offer: the rows, their labels and the endpoints.

Organisations are picked through organizations.autocomplete. The forms build
their querysets from the functions here, so endpoint and form agree.
"""

from __future__ import annotations

from django.db.models import QuerySet

from organizations.models import Area
from ui.autocomplete import AutocompleteView

from .models import PilotCommunity


def community_label(obj: Area | PilotCommunity) -> str:
    """Community names repeat across sub-districts: show the sub-district too."""
    area = obj.community if isinstance(obj, PilotCommunity) else obj
    return f"{area.name}（{area.parent.name}）" if area.parent_id else area.name


def community_hint(obj: Area | PilotCommunity) -> str:
    # The district: two 幸福社区 in two districts' sub-districts still read apart.
    area = obj.community if isinstance(obj, PilotCommunity) else obj
    district = area.parent.parent if area.parent_id and area.parent.parent_id else None
    return district.name if district else ""


def new_pilot_communities(user) -> QuerySet[Area]:
    """Communities in the user's scope not yet in the pilot."""
    return (
        Area.objects.for_user(user)
        .filter(level=Area.Level.COMMUNITY, pilot__isnull=True)
        .select_related("parent__parent")
    )


def assignable_pilots(user) -> QuerySet[PilotCommunity]:
    """Pilot communities an organisation may be sent to serve.

    City-wide for an industry committee: it may send its organisations to any
    pilot community (the 条 across the 块)."""
    pilots = PilotCommunity.objects.all() if user.role == user.Role.INDUSTRY else PilotCommunity.objects.for_user(user)
    return pilots.select_related("community__parent__parent")


def plaque_pilots(user) -> QuerySet[PilotCommunity]:
    """Pilot communities a plaque may be recorded for: those the user sees."""
    return PilotCommunity.objects.for_user(user).select_related("community__parent__parent")


class CommunityAutocomplete(AutocompleteView):
    label = staticmethod(community_label)
    hint = staticmethod(community_hint)

    def get_queryset(self):
        return new_pilot_communities(self.request.user)


class AssignablePilotAutocomplete(AutocompleteView):
    name_field = "community__name"
    ordering = ("community__name", "pk")
    label = staticmethod(community_label)
    hint = staticmethod(community_hint)

    def get_queryset(self):
        return assignable_pilots(self.request.user)


class PlaquePilotAutocomplete(AssignablePilotAutocomplete):
    def get_queryset(self):
        return plaque_pilots(self.request.user)
