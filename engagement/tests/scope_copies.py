"""What the organisation-scope copies should hold: every record's copies
compared with its organisation's values now (engagement/organization_scope.py)."""

from __future__ import annotations

from engagement.models import Contribution, PilotAssignment, PlaqueAward
from organizations.models import SocialOrganization

# Model → (copy, the organisation's field) pairs, as the migration copies them.
COPIES = {
    Contribution: (("organization_area_id", "area_id"), ("organization_unit_id", "supervising_unit_id")),
    PlaqueAward: (("organization_area_id", "area_id"), ("organization_unit_id", "supervising_unit_id")),
    PilotAssignment: (("organization_unit_id", "supervising_unit_id"),),
}


def mismatches() -> list[tuple]:
    """Every record whose copies differ from its organisation's values now."""
    found = []
    organizations_now = {
        row["id"]: row for row in SocialOrganization.objects.values("id", "area_id", "supervising_unit_id")
    }
    for model, copies in COPIES.items():
        for row in model.objects.values("id", "organization_id", *(copy for copy, _ in copies)):
            organization = organizations_now[row["organization_id"]]
            for copy, source in copies:
                if row[copy] != organization[source]:
                    found.append((model.__name__, row["id"], copy, row[copy], organization[source]))
    return found
