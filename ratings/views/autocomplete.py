"""Pairing pickers: party organisations that may help, and those that may be helped.

The rows are the pairing form's own querysets (ratings.selectors), so the
endpoint offers what the form accepts; the service checks the rule again.
"""

from __future__ import annotations

from organizations.autocomplete import party_organization_hint
from organizations.models import PartyOrganization
from ratings import selectors
from ratings.forms import standing_label
from ui.autocomplete import AutocompleteView


class PairingPartnerAutocomplete(AutocompleteView):
    name_gram_indexed = True
    area_field = "area"
    label = staticmethod(standing_label)
    hint = staticmethod(party_organization_hint)

    def get_queryset(self):
        return selectors.pairing_partners(PartyOrganization.objects.for_user(self.request.user))


class PairingCandidateAutocomplete(PairingPartnerAutocomplete):
    def get_queryset(self):
        return selectors.pairing_candidates(PartyOrganization.objects.for_user(self.request.user))
