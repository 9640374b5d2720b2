"""The recount's rows of a district by the sub-district its organisations sit in."""

import datetime as dt

import pytest

from coverage.models import Snapshot
from coverage.recount import services
from organizations.models import Area
from organizations.tests.factories import (
    AreaFactory,
    InstructorAssignmentFactory,
    PartyOrganizationFactory,
    SocialOrganizationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(beilin, nanyuanmen, city):
    bailuyuan = AreaFactory(code="610103-02", name="柏树林街道", parent=beilin, level=Area.Level.SUBDISTRICT)
    community = AreaFactory(code="610103-01-01", name="含光门社区", parent=nanyuanmen, level=Area.Level.COMMUNITY)
    return {"nanyuanmen": nanyuanmen, "bailuyuan": bailuyuan, "community": community, "beilin": beilin, "city": city}


def _rows(period="2020H2"):
    return {
        s.scope_key: s
        for s in Snapshot.objects.filter(
            period__year=int(period[:4]), period__half=int(period[-1]), scope=Snapshot.Scope.SUBDISTRICT
        )
    }


def test_a_district_is_broken_down_by_where_its_organisations_sit(places):
    beilin, nanyuanmen, community = places["beilin"], places["nanyuanmen"], places["community"]
    # 南院门街道: one organisation on the street itself and one in its community,
    # the latter covered by a party organisation, the former by an instructor.
    on_street = SocialOrganizationFactory(area=beilin, location=nanyuanmen, formal_party_members=1)
    in_community = SocialOrganizationFactory(area=beilin, location=community, formal_party_members=4)
    PartyOrganizationFactory(area=beilin, organizations=[in_community])
    InstructorAssignmentFactory(organization=on_street)
    # 柏树林街道: one uncovered organisation that must establish (3 members).
    SocialOrganizationFactory(area=beilin, location=places["bailuyuan"], formal_party_members=3)
    # Two without a recorded place, one deregistered before the half-year ended.
    SocialOrganizationFactory(area=beilin)
    SocialOrganizationFactory(
        area=beilin, location=nanyuanmen, status="deregistered", deregistered_on=dt.date(2020, 6, 1)
    )
    # The city's own registration sitting in 南院门街道 is not 碑林区's: no row counts it.
    SocialOrganizationFactory(area=places["city"], location=nanyuanmen)

    services.recount_run(period="2020H2")
    rows = _rows()

    assert set(rows) == {"610103:610103-01", "610103:610103-02", "610103:none"}
    street = rows["610103:610103-01"]
    assert (street.label, street.area_id) == ("南院门街道", nanyuanmen.pk)
    assert (street.organizations, street.org_covered, street.work_covered) == (2, 1, 2)
    assert (street.formal_party_members, street.instructors, street.party_organizations) == (5, 1, 1)
    assert (street.must_establish, street.must_establish_not_established) == (1, 0)
    assert str(street.org_coverage_rate) == "0.5000" and str(street.work_coverage_rate) == "1.0000"
    other = rows["610103:610103-02"]
    assert (other.organizations, other.org_covered, other.work_covered, other.must_establish_not_established) == (
        1,
        0,
        0,
        1,
    )
    unplaced = rows["610103:none"]
    assert (unplaced.label, unplaced.area_id, unplaced.organizations) == ("未填街道", beilin.pk, 1)
    # The sub-districts add up to the district's own row.
    district = Snapshot.objects.get(scope=Snapshot.Scope.AREA, scope_key="610103", period__year=2020, period__half=2)
    assert sum(r.organizations for r in rows.values()) == district.organizations == 4
    assert sum(r.org_covered for r in rows.values()) == district.org_covered


def test_a_district_official_sees_only_their_districts_rows(places, yanta, beilin_user, yanta_user):
    SocialOrganizationFactory(area=places["beilin"], location=places["nanyuanmen"])
    xiaozhai = AreaFactory(code="610113-01", name="小寨路街道", parent=yanta, level=Area.Level.SUBDISTRICT)
    SocialOrganizationFactory(area=yanta, location=xiaozhai)
    services.recount_run(period="2020H2")
    seen = Snapshot.objects.for_user(beilin_user).filter(scope=Snapshot.Scope.SUBDISTRICT)
    assert set(seen.values_list("label", flat=True)) == {"南院门街道"}
    seen = Snapshot.objects.for_user(yanta_user).filter(scope=Snapshot.Scope.SUBDISTRICT)
    assert set(seen.values_list("label", flat=True)) == {"小寨路街道"}
