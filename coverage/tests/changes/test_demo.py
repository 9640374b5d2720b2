"""On the demo data: the change lists reconcile with the seed's snapshots for
the city, every district, county and zone, and every supervising unit, in
every half-year whose predecessor was recounted."""

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.tests.factories import UserFactory
from coverage.changes.selectors import GROUPS, change_counts, change_window
from coverage.models import Snapshot

pytestmark = pytest.mark.django_db

RECONCILED = GROUPS[:5]


def test_the_demo_half_years_reconcile_in_every_scope():
    call_command("seed_demo")
    staff = UserFactory(username="demo-staff", role=User.Role.STAFF)
    S = Snapshot.Scope
    # Not the rows of organisations registered at the city itself (市本级) or
    # without a supervising unit: they are no scope a user picks.
    snapshots = (
        Snapshot.objects.filter(scope__in=(S.CITY, S.AREA, S.SUPERVISING_UNIT))
        .exclude(scope_key__endswith="-direct")
        .exclude(scope=S.SUPERVISING_UNIT, supervising_unit__isnull=True)
    )
    by_key = {
        (s.period.code, s.scope, s.scope_key): s for s in snapshots.select_related("period", "area", "supervising_unit")
    }
    checked, mismatched = 0, []
    for (period, scope, key), current in by_key.items():
        window = change_window(period)
        previous = by_key.get((window.previous.code, scope, key))
        if previous is None:
            continue
        counts = change_counts(
            staff,
            window,
            area=current.area if scope == S.AREA else None,
            unit=current.supervising_unit if scope == S.SUPERVISING_UNIT else None,
        )
        for group in RECONCILED:
            checked += 1
            expected = getattr(current, group.figure)
            if getattr(previous, group.figure) + counts[group.gained] - counts[group.lost] != expected:
                mismatched.append((period, current.label, group.figure))
    assert not mismatched
    assert checked > 3 * 5 * 14
    assert {code for code, _scope, _key in by_key} == {"2019H1", "2019H2", "2020H1", "2020H2"}
