"""Today's stored coverage of planned organisations, written with them.

organizations.coverage_state keeps `SocialOrganization.current_*` true; a
million freshly loaded rows all carrying the defaults would make its first
refresh rewrite every one of them (minutes of UPDATE). So the load answers
the same questions from the plan, and the refresh that follows finds
nothing to rewrite (a test checks that), yet still has the last word.
"""

from __future__ import annotations

import datetime as dt

from organizations.models import MUST_ESTABLISH_MEMBERS, CoverageState, PartyOrganization, SocialOrganization

from .records import ChunkRecords, PlannedOrganization

STORED_FIELDS = (
    "current_coverage",
    "current_org_covered",
    "current_own_party_org",
    "current_instructor",
    "current_must_establish_gap",
)


def stored_fields() -> tuple[str, ...]:
    """The stored-coverage columns, or none if the model has them no more."""
    names = {f.attname for f in SocialOrganization._meta.concrete_fields}
    return STORED_FIELDS if set(STORED_FIELDS) <= names else ()


def stored_coverage(records: ChunkRecords, on: dt.date) -> dict[PlannedOrganization, tuple]:
    """The values of STORED_FIELDS for each planned organisation, as of `on`."""
    covered: set[PlannedOrganization] = set()
    own: set[PlannedOrganization] = set()
    for party in records.parties:
        if party.established_on <= on and (party.dissolved_on is None or party.dissolved_on > on):
            covered.update(party.members)
            if party.formation == PartyOrganization.Formation.STANDALONE:
                own.update(party.members)
    instructed = {
        a.organization for a in records.assignments if a.started_on <= on and (a.ended_on is None or a.ended_on >= on)
    }
    values = {}
    for org in records.organizations:
        org_covered, has_own, has_instructor = org in covered, org in own, org in instructed
        if org_covered:
            state = CoverageState.ORGANISATIONAL
        elif has_instructor:
            state = CoverageState.WORK_ONLY
        else:
            state = CoverageState.UNCOVERED
        active = (
            org.status == SocialOrganization.Status.ACTIVE
            and org.registered_on <= on
            and (org.deregistered_on is None or org.deregistered_on > on)
        )
        gap = active and org.formal_party_members >= MUST_ESTABLISH_MEMBERS and not has_own
        values[org] = (state.value, org_covered, has_own, has_instructor, gap)
    return values
