"""The counts the recount stores with each snapshot equal the counts taken
from the records, for every scope the change page reads them for."""

from __future__ import annotations

import pytest

from coverage.changes.selectors import Kind, change_counts, change_window
from coverage.changes.summaries import snapshot_changes_store, stored_change_counts
from coverage.models import Period, Snapshot
from organizations.tests.factories import SocialOrganizationFactory

from .records import recount_all

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("period", ["2020H1", "2020H2"])
def test_stored_counts_equal_the_records_counts_for_every_role_and_scope(
    changed, staff_user, leader_user, beilin_user, yanta_user, lawyers_user, beilin, yanta, justice, period
):
    window = change_window(period)
    cases = [
        (staff_user, {}),
        (leader_user, {}),
        (staff_user, {"area": beilin}),
        (staff_user, {"area": yanta}),
        (staff_user, {"unit": justice}),
        (beilin_user, {}),
        (beilin_user, {"area": beilin}),
        (yanta_user, {}),
        (lawyers_user, {}),
        (lawyers_user, {"unit": justice}),
    ]
    nonzero = 0
    for user, scope in cases:
        stored = stored_change_counts(user, window, **scope)
        assert stored is not None, (user.username, scope)
        counts, counted_at = stored
        assert counts == change_counts(user, window, **scope), (user.username, scope)
        assert counted_at is not None
        nonzero += sum(counts.values())
    assert nonzero > 0  # not 0 == 0 everywhere


def test_scopes_no_snapshot_has_are_counted_from_the_records(
    changed, beilin_user, lawyers_user, staff_user, beilin, justice
):
    window = change_window("2020H2")
    assert stored_change_counts(lawyers_user, window, area=beilin) is None
    assert stored_change_counts(beilin_user, window, unit=justice) is None
    assert stored_change_counts(staff_user, window, area=beilin, unit=justice) is None


def test_a_half_year_never_recounted_has_nothing_stored(dataset, staff_user):
    assert stored_change_counts(staff_user, change_window("2020H2")) is None


def test_the_recount_stores_them_and_a_frozen_row_keeps_its_own(changed, staff_user, beilin):
    period = Period.objects.get(year=2020, half=2)
    city = Snapshot.objects.get(period=period, scope=Snapshot.Scope.CITY)
    area = Snapshot.objects.get(period=period, scope=Snapshot.Scope.AREA, area=beilin)
    registered = city.changes[Kind.REGISTERED.value]
    Snapshot.objects.filter(pk=area.pk).update(frozen=True)
    SocialOrganizationFactory(area=beilin, registered_on="2020-10-01")
    recount_all()
    # The recount replaced the rows that are not frozen.
    city = Snapshot.objects.get(period=period, scope=Snapshot.Scope.CITY)
    assert city.changes[Kind.REGISTERED.value] == registered + 1
    assert Snapshot.objects.get(pk=area.pk).changes == area.changes
    # Categories are not offered by the change page and store nothing.
    assert not Snapshot.objects.filter(period=period, scope=Snapshot.Scope.CATEGORY).exclude(changes={}).exists()
    # Storing again writes the same counts.
    assert snapshot_changes_store(period=period) > 0
    city.refresh_from_db()  # updated in place
    assert city.changes[Kind.REGISTERED.value] == registered + 1
