"""What the organisation pickers offer: the rows, their labels and the endpoints.

The forms build their fields' querysets from the same functions, so the
endpoint never offers a row the form would refuse, and the form refuses what
the endpoint would not offer.
"""

from __future__ import annotations

from django.db.models import QuerySet

from ui.autocomplete import AutocompleteView

from .models import Area, PartyOrganization, SocialOrganization


def organization_label(obj: SocialOrganization) -> str:
    return f"{obj.name}（{obj.area}）"


def organization_hint(obj: SocialOrganization) -> str:
    return obj.credit_code


def party_organization_label(obj: PartyOrganization) -> str:
    return f"{obj.name}（{obj.area}）"


def party_organization_hint(obj: PartyOrganization) -> str:
    return obj.get_kind_display()


def location_label(area: Area, *, within: Area | None = None) -> str:
    """碑林区 · 南院门街道 for a sub-district, 碑林区 · 南院门街道 · 含光门社区 for a
    community: the names up to the district. `within` (the registration area)
    leaves out a district the page already names. Reads the parents the
    queryset selected (pickable_locations()): no query per row."""
    names = []
    node = area
    while node is not None:
        if node.level in Area.REGISTRATION_LEVELS:
            if within is None or node.pk != within.pk:
                names.append(node.name)
            break
        names.append(node.name)
        node = node.parent
    return " · ".join(reversed(names))


def pickable_locations(user) -> QuerySet[Area]:
    """The sub-districts and communities in the user's scope: where an organisation may sit."""
    return Area.objects.for_user(user).filter(level__in=Area.LOCATION_LEVELS).select_related("parent__parent")


def pickable_organizations(user) -> QuerySet[SocialOrganization]:
    """Active organisations in the user's scope: those a new record may name."""
    return SocialOrganization.objects.for_user(user).active().select_related("area")


def pickable_parents(user) -> QuerySet[PartyOrganization]:
    """Party committees and general branches in scope: those a party organisation may report to."""
    return (
        PartyOrganization.objects.for_user(user)
        .filter(kind__in=[PartyOrganization.Kind.COMMITTEE, PartyOrganization.Kind.GENERAL_BRANCH])
        .select_related("area")
    )


class OrganizationAutocomplete(AutocompleteView):
    code_field = "credit_code"
    name_gram_indexed = True
    area_field = "area"
    label = staticmethod(organization_label)
    hint = staticmethod(organization_hint)

    def get_queryset(self):
        return pickable_organizations(self.request.user)


class ParentPartyOrganizationAutocomplete(AutocompleteView):
    name_gram_indexed = True
    area_field = "area"
    label = staticmethod(party_organization_label)
    hint = staticmethod(party_organization_hint)

    def get_queryset(self):
        return pickable_parents(self.request.user)


class LocationAutocomplete(AutocompleteView):
    # In tree order (a sub-district, then its communities), not by name: 南院门
    # finds the sub-district first and its communities under it.
    ordering = ("path",)
    label = staticmethod(location_label)

    def get_queryset(self):
        return pickable_locations(self.request.user)
