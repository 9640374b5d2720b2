"""Demo step for seed_demo: political building in the demo city as of
end-December 2020, with rates that differ by district (入章率 about 50–90%,
交叉任职率 about 30–70%).

It runs after the organisations' steps and before coverage's recount history
(INSTALLED_APPS puts this app before coverage), so the demo's snapshots carry
these rates. It draws from its own generator only, and touches no record
another step counts, so the headline figures stay as they were.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence

from django.db.models import Min

from organizations.demo import AS_OF
from organizations.models import Area, SocialOrganization

from .models import PoliticalBuilding

# Most indicators were in place before 2020; about one in five came during it.
EARLIEST = dt.date(2016, 1, 1)
BEFORE_2020 = dt.date(2019, 12, 31)
IN_2020 = 0.2


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if first >= last:
        return last
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def _since(rng: random.Random, not_before: dt.date) -> dt.date:
    """A date on or after `not_before`, mostly before 2020, never after the demo's day."""
    not_before = max(not_before, EARLIEST)
    if rng.random() < IN_2020 or not_before > BEFORE_2020:
        return _day(rng, max(not_before, dt.date(2020, 1, 1)), AS_OF)
    return _day(rng, not_before, BEFORE_2020)


def _targets(rng: random.Random) -> dict[int, dict[str, float]]:
    """Each registration area's rates to aim at, drawn in area-code order."""
    areas = Area.objects.filter(level__in=Area.REGISTRATION_LEVELS).order_by("code")
    return {
        area.pk: {
            "charter": rng.uniform(0.5, 0.9),
            "cross": rng.uniform(0.3, 0.7),
            "meetings": rng.uniform(0.4, 0.8),
            "consultation": rng.uniform(0.3, 0.7),
        }
        for area in areas
    }


def seed_political(rng: random.Random) -> int:
    if PoliticalBuilding.objects.exists():
        return 0
    targets = _targets(rng)
    organizations = list(
        SocialOrganization.objects.filter(registered_on__lte=AS_OF)
        .annotate(party_since=Min("party_organizations__established_on"))
        .order_by("credit_code")
    )
    # The share of each area's organisations that can hold an indicator at all
    # (members for cross-appointment, a party organisation for its secretary),
    # so that the area's rate comes out near its target.
    with_members: dict[int, list[int]] = {}
    with_party: dict[int, list[int]] = {}
    for org in organizations:
        key = org.area_id
        with_members.setdefault(key, [0, 0])
        with_party.setdefault(key, [0, 0])
        with_members[key][0] += org.formal_party_members > 0
        with_members[key][1] += 1
        with_party[key][0] += org.party_since is not None
        with_party[key][1] += 1
    rows = []
    for org in organizations:
        key = org.area_id
        aim = targets[key]
        covered = org.party_since is not None
        row = PoliticalBuilding(organization=org)
        # A party organisation usually asks for the charter change first.
        if rng.random() < aim["charter"] * (1.1 if covered else 0.75):
            row.charter_on = _since(rng, org.registered_on)
            row.charter_evidence = f"章程第{rng.randint(2, 9)}条载明党建工作要求"
        if org.formal_party_members > 0:
            share = with_members[key][0] / with_members[key][1]
            if rng.random() < min(1.0, aim["cross"] / share):
                row.members_in_management = rng.randint(1, min(5, org.formal_party_members))
                row.management_on_committee = rng.randint(1, 3)
                row.cross_appointed_on = _since(rng, org.party_since or org.registered_on)
                row.cross_appointment_evidence = "理事会及党组织成员名单"
            elif rng.random() < 0.5:
                # Party members in the management, none of it on a committee: not yet cross-appointed.
                row.members_in_management = rng.randint(1, min(3, org.formal_party_members))
        if covered:
            share = with_party[key][0] / with_party[key][1]
            if rng.random() < min(1.0, aim["meetings"] / share):
                row.secretary_meetings_on = _since(rng, org.party_since)
                row.secretary_meetings_evidence = "理事会会议纪要"
        if rng.random() < aim["consultation"] * (1.2 if covered else 0.6):
            row.consultation_on = _since(rng, org.party_since or org.registered_on)
            row.consultation_evidence = "党组织与理事会沟通协商制度"
        if row.charter_on or row.members_in_management or row.secretary_meetings_on or row.consultation_on:
            rows.append(row)
    PoliticalBuilding.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


STEPS: Sequence[tuple[str, Callable[[random.Random], int]]] = (("political", seed_political),)
