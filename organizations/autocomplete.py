"""What the organisation pickers offer: the rows, their labels and the endpoints.

The forms build their fields' querysets from the same functions, so the
endpoint never offers a row the form would refuse, and the form refuses what
the endpoint would not offer.
"""

from __future__ import annotations

from django.db.models import QuerySet

from ui.autocomplete import AutocompleteView

from .models import PartyOrganization, SocialOrganization


def organization_label(obj: SocialOrganization) -> str:
    return f"{obj.name}（{obj.area}）"


def organization_hint(obj: SocialOrganization) -> str:
    return obj.credit_code


def party_organization_label(obj: PartyOrganization) -> str:
    return f"{obj.name}（{obj.area}）"


def party_organization_hint(obj: PartyOrganization) -> str:
    return obj.get_kind_display()


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
