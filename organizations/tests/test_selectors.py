import datetime as dt

import pytest

from organizations import selectors
from organizations.models import PartyOrganization, SocialOrganization
from organizations.selectors import CoverageState

pytestmark = pytest.mark.django_db


def _rows(**filters):
    return {o.name[0]: o for o in selectors.organization_rows().filter(**filters)}


def test_coverage_state_of_each_organisation(dataset):
    rows = _rows()
    assert rows["A"].coverage_state == CoverageState.ORGANISATIONAL
    assert rows["B"].coverage_state == CoverageState.ORGANISATIONAL  # joint branch
    assert rows["C"].coverage_state == CoverageState.ORGANISATIONAL
    assert rows["D"].coverage_state == CoverageState.WORK_ONLY  # current instructor
    assert rows["E"].coverage_state == CoverageState.UNCOVERED  # instructor's term ended
    assert rows["F"].coverage_state == CoverageState.UNCOVERED  # its branch was dissolved
    assert rows["G"].coverage_state == CoverageState.UNCOVERED


def test_must_establish_not_established(dataset):
    rows = _rows()
    assert [k for k, o in sorted(rows.items()) if o.must_establish] == ["A", "C", "G", "H"]
    # C has four members but only a joint branch; G has three and nothing.
    assert [k for k, o in sorted(rows.items()) if o.must_establish_not_established] == ["C", "G"]


def test_responsible_body_prefers_industry_committee(dataset):
    rows = _rows()
    assert rows["G"].responsible_body == "西安市律师行业党委"
    assert rows["A"].responsible_body == "碑林区"  # its unit has no committee: the district
    assert selectors.responsible_body_for(dataset.g) == "西安市律师行业党委"
    assert selectors.responsible_body_for(dataset.a) == "碑林区"


def test_coverage_summary_for_a_district(dataset, beilin):
    figures = selectors.coverage_summary(SocialOrganization.objects.filter(area=beilin))
    # Active A–F only; H is deregistered and does not count.
    assert figures == {
        "organizations": 6,
        "org_covered": 3,
        "work_covered": 4,
        "must_establish": 2,
        "must_establish_not_established": 1,
        "formal_party_members": 12,
        "org_coverage_rate": 3 / 6,
        "work_coverage_rate": 4 / 6,
    }


def test_coverage_summary_for_the_city(dataset):
    figures = selectors.coverage_summary(SocialOrganization.objects.all())
    assert (figures["organizations"], figures["org_covered"], figures["work_covered"]) == (7, 3, 4)
    assert (figures["must_establish"], figures["must_establish_not_established"]) == (3, 2)


def test_coverage_summary_of_nothing_is_zero(db):
    figures = selectors.coverage_summary(SocialOrganization.objects.none())
    assert figures["organizations"] == 0 and figures["work_coverage_rate"] == 0.0


def test_coverage_summary_is_one_query(dataset, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.coverage_summary(SocialOrganization.objects.all())


def test_instructor_coverage_depends_on_the_date(dataset):
    before_end = {o.name[0]: o for o in selectors.organization_rows(on=dt.date(2020, 6, 1))}
    assert before_end["E"].coverage_state == CoverageState.WORK_ONLY


def test_party_organization_summary(dataset, beilin):
    figures = selectors.party_organization_summary(PartyOrganization.objects.filter(area=beilin))
    assert figures["total"] == 3  # the dissolved branch does not count
    assert figures["formation_standalone"] == 2 and figures["formation_joint"] == 1
    assert figures["kind_branch"] == 3 and figures["kind_committee"] == 0


def test_party_organization_rows_count_covered(dataset):
    rows = {p.name: p for p in selectors.party_organization_rows()}
    assert rows["B、C 联合党支部"].covered_count == 2
    assert rows["A 协会党支部"].covered_count == 1
