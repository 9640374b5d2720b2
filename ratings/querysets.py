from __future__ import annotations

from django.db.models import Q

from accounts.scoping import ScopedQuerySet


class EvaluationQuerySet(ScopedQuerySet):
    # An evaluation belongs to whoever answers for its party organisation.
    area_lookup = "party_organization__area"
    unit_lookup = "party_organization__supervising_unit"

    def final(self) -> EvaluationQuerySet:
        """Evaluations the city has decided (final stars set)."""
        return self.filter(final_stars__isnull=False)


class EvaluationEventQuerySet(ScopedQuerySet):
    area_lookup = "evaluation__party_organization__area"
    unit_lookup = "evaluation__party_organization__supervising_unit"


class PairingQuerySet(ScopedQuerySet):
    area_lookup = "party_organization__area"
    unit_lookup = "party_organization__supervising_unit"

    def for_user(self, user) -> PairingQuerySet:
        # A pairing is shared work: the helping side's district or industry
        # sees it as well as the helped side's.
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_citywide:
            return self.all()
        if user.role == user.Role.DISTRICT and user.area_id:
            path = user.area.path
            return self.filter(
                Q(party_organization__area__path__startswith=path) | Q(partner__area__path__startswith=path)
            )
        if user.role == user.Role.INDUSTRY and user.supervising_unit_id:
            unit = user.supervising_unit_id
            return self.filter(Q(party_organization__supervising_unit_id=unit) | Q(partner__supervising_unit_id=unit))
        return self.none()

    def writable_for(self, user) -> PairingQuerySet:
        """Only the helped organisation's side changes the pairing; the other
        side reads it (the standard scope through party_organization)."""
        return ScopedQuerySet.for_user(self, user)

    def active(self) -> PairingQuerySet:
        return self.filter(status=self.model.Status.ACTIVE)
