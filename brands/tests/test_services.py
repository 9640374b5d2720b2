"""The three-star rule, the scope and the audit log of the brand services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from brands.models import Brand
from brands.services import brand_create, brand_delete, brand_update
from organizations.models import PartyOrganization
from organizations.tests.factories import PartyOrganizationFactory
from ratings.tests.factories import make_evaluation, make_round

from .conftest import State, brand_data, rate

pytestmark = pytest.mark.django_db


def refusal(exc: ValidationError) -> str:
    return " ".join(exc.value.message_dict["party_organization"])


def test_a_three_star_party_organisation_gets_a_brand_and_the_audit_log_records_it(parties, beilin_user):
    brand = brand_create(actor=beilin_user, data=brand_data(parties.three))
    assert Brand.objects.get() == brand
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.CREATE, object_id=str(brand.pk))
    assert entry.user == beilin_user
    assert entry.changes["name"] == [None, "红色物业·幸福家园"]


def test_two_stars_are_refused_naming_the_stars(parties, beilin_user):
    with pytest.raises(ValidationError) as exc:
        brand_create(actor=beilin_user, data=brand_data(parties.two))
    assert refusal(exc) == "碑林二星党支部最近一次审定为2星级：党建品牌只认定给三星级以上的党组织。"
    assert not Brand.objects.exists()


def test_an_unrated_party_organisation_is_refused_as_not_yet_rated(parties, beilin_user):
    with pytest.raises(ValidationError) as exc:
        brand_create(actor=beilin_user, data=brand_data(parties.unrated))
    assert refusal(exc) == "碑林未评党支部尚未评星：党建品牌只认定给最近一次审定评星为三星级以上的党组织。"


def test_the_latest_decided_round_counts_not_a_draft_nor_an_older_round(parties, rounds, beilin, beilin_user):
    # Four stars in 2019, two in 2020: the 2020 rating is the current one.
    fallen = PartyOrganizationFactory(name="碑林降星党支部", area=beilin)
    rate(fallen, rounds.r2019, 4)
    rate(fallen, rounds.r2020, 2)
    with pytest.raises(ValidationError):
        brand_create(actor=beilin_user, data=brand_data(fallen))
    # A 2020 draft scoring high is no rating yet: the 2019 approval of two stars stands.
    drafted = PartyOrganizationFactory(name="碑林草稿党支部", area=beilin)
    rate(drafted, rounds.r2019, 2)
    make_evaluation(drafted, rounds.r2020, state=State.DRAFT, total=99)
    with pytest.raises(ValidationError):
        brand_create(actor=beilin_user, data=brand_data(drafted))


def test_a_five_star_certified_party_organisation_gets_a_brand(parties, rounds, beilin, beilin_user):
    certified = PartyOrganizationFactory(name="碑林五星党支部", area=beilin)
    rate(certified, rounds.r2020, 5, state=State.CERTIFIED)
    assert brand_create(actor=beilin_user, data=brand_data(certified, level=Brand.Level.PROVINCE)).pk


def test_a_dissolved_party_organisation_is_refused(parties, beilin_user):
    PartyOrganization.objects.filter(pk=parties.three.pk).update(
        status=PartyOrganization.Status.DISSOLVED, dissolved_on=dt.date(2020, 11, 1)
    )
    parties.three.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        brand_create(actor=beilin_user, data=brand_data(parties.three))
    assert refusal(exc) == "碑林三星党支部已撤销，不能认定党建品牌。"


def test_a_brand_stays_when_its_organisation_drops_but_no_new_one_is_named(parties, rounds, beilin_user):
    """The rule holds when a brand is named: the recognition of its year
    stands (its text can be corrected); a new brand, or moving one to a
    weaker organisation, is refused."""
    brand = brand_create(actor=beilin_user, data=brand_data(parties.three))
    # A later round rates it two stars.
    rate(parties.three, make_round(2021), 2)
    brand = brand_update(actor=beilin_user, brand=brand, data=brand_data(parties.three, promotion="区融媒体专题报道"))
    assert Brand.objects.get().promotion == "区融媒体专题报道"
    with pytest.raises(ValidationError):
        brand_create(actor=beilin_user, data=brand_data(parties.three, name="第二品牌", level=Brand.Level.CITY))
    with pytest.raises(ValidationError):
        brand_update(actor=beilin_user, brand=brand, data=brand_data(parties.two))
    assert Brand.objects.get().party_organization == parties.three


def test_only_staff_and_district_officials_write(parties, brands, lawyers_user, leader_user, staff_user):
    # The lawyers' committee sees the Beilin brand (its branch is theirs) but may not write.
    assert Brand.objects.for_user(lawyers_user).get() == brands.beilin
    for actor in (lawyers_user, leader_user):
        with pytest.raises(PermissionDenied):
            brand_create(actor=actor, data=brand_data(parties.three, name="另一个", level=Brand.Level.CITY))
        with pytest.raises(PermissionDenied):
            brand_update(actor=actor, brand=brands.beilin, data=brand_data(parties.three, name="改名"))
        with pytest.raises(PermissionDenied):
            brand_delete(actor=actor, brand=brands.beilin)
    assert brand_create(actor=staff_user, data=brand_data(parties.three, name="另一个", level=Brand.Level.CITY)).pk


def test_a_district_official_writes_for_their_own_district_only(parties, brands, beilin_user):
    with pytest.raises(PermissionDenied):
        brand_create(actor=beilin_user, data=brand_data(parties.yanta_four, name="越界品牌"))
    with pytest.raises(PermissionDenied):
        brand_update(actor=beilin_user, brand=brands.yanta, data=brand_data(parties.yanta_four, name="越界"))
    with pytest.raises(PermissionDenied):
        brand_delete(actor=beilin_user, brand=brands.yanta)
    # Nor move their own brand to Yanta's organisation.
    with pytest.raises(PermissionDenied):
        brand_update(actor=beilin_user, brand=brands.beilin, data=brand_data(parties.yanta_four, name="律动先锋"))
    assert Brand.objects.get(pk=brands.beilin.pk).party_organization == parties.three


def test_name_unique_per_organisation_and_one_brand_per_level(parties, brands, beilin_user, staff_user):
    with pytest.raises(ValidationError) as exc:
        brand_create(actor=beilin_user, data=brand_data(parties.three, name="律动先锋", level=Brand.Level.CITY))
    assert exc.value.messages == ["该党组织已有同名品牌。"]
    with pytest.raises(ValidationError) as exc:
        brand_create(actor=beilin_user, data=brand_data(parties.three, name="新名字"))
    assert exc.value.messages == ["该党组织已有该级别认定的品牌；品牌升级时请修改原品牌的认定级别和年度。"]
    # Another organisation may carry a brand of the same name.
    assert brand_create(actor=staff_user, data=brand_data(parties.yanta_four, name="律动先锋")).pk


@pytest.mark.parametrize("year", [1999, 2021])
def test_the_year_runs_from_2000_to_the_clock_year(parties, beilin_user, settings, year):
    settings.CLOCK_TODAY = "2020-12-31"
    with pytest.raises(ValidationError) as exc:
        brand_create(actor=beilin_user, data=brand_data(parties.three, year=year))
    assert "year" in exc.value.message_dict


def test_delete_removes_the_brand_and_the_audit_log_keeps_it(parties, brands, beilin_user):
    pk = brands.beilin.pk
    brand_delete(actor=beilin_user, brand=brands.beilin)
    assert not Brand.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.DELETE, object_id=str(pk))
    assert entry.changes["name"] == ["律动先锋", None]
