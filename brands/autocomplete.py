"""The party-organisation picker of the brand form: the rows, their labels and the endpoint.

It offers the user's active party organisations with their current stars in
the label, not only those of three stars: an official looking for their
two-star branch finds it, and the service then says why it cannot be given a
brand, rather than the branch silently missing from the picker.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from organizations.autocomplete import party_organization_hint
from organizations.models import PartyOrganization
from ratings import selectors as rating_selectors
from ratings.forms import standing_label
from ui.autocomplete import AutocompleteView


def pickable_party_organizations(user, *, keep_pk: int | None = None) -> QuerySet[PartyOrganization]:
    """Active party organisations in the user's scope, with `latest_stars` for
    the label; `keep_pk` (a brand's own organisation) stays even when dissolved."""
    wanted = Q(status=PartyOrganization.Status.ACTIVE)
    if keep_pk:
        wanted |= Q(pk=keep_pk)
    return rating_selectors.with_standing(
        PartyOrganization.objects.for_user(user).filter(wanted).select_related("area")
    )


class BrandPartyOrganizationAutocomplete(AutocompleteView):
    name_gram_indexed = True
    area_field = "area"
    label = staticmethod(standing_label)
    hint = staticmethod(party_organization_hint)

    def get_queryset(self):
        return pickable_party_organizations(self.request.user)
