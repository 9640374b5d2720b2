from __future__ import annotations

from accounts.scoping import ScopedQuerySet


class PoliticalBuildingQuerySet(ScopedQuerySet):
    # Scoped as its organisation is: the registration area, the supervising unit.
    area_lookup = "organization__area"
    unit_lookup = "organization__supervising_unit"
