"""The services hold the rules whatever calls them (form, import, shell)."""

import dataclasses
import datetime as dt
import random
from typing import Any, TypeVar

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction

from organizations import services
from organizations.creditcode import make_credit_code
from organizations.models import PartyOrganization, SocialOrganization
from organizations.services import OrganizationData, PartyOrganizationData
from organizations.tests.factories import SocialOrganizationFactory

pytestmark = pytest.mark.django_db

D = TypeVar("D")


def _data(area, **overrides) -> OrganizationData:
    fields = {
        "name": "服务层测试协会",
        "credit_code": make_credit_code("51", "610103", random.Random(5)),
        "category": SocialOrganization.Category.SOCIAL_GROUP,
        "area": area,
        "registered_on": dt.date(2020, 1, 1),
        "staff_count": 10,
        "formal_party_members": 2,
    }
    return OrganizationData(**(fields | overrides))


def _as_stored(record: models.Model, data_class: type[D], **changes: Any) -> D:
    """Every field the record's form edits, as stored, with `changes`: an update takes them all."""
    stored = {field.name: getattr(record, field.name) for field in dataclasses.fields(data_class)}
    return data_class(**(stored | changes))


def test_service_refuses_a_record_outside_the_actors_scope(beilin_user, yanta):
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=beilin_user, data=_data(yanta))
    assert not SocialOrganization.objects.exists()


def test_leadership_cannot_write_through_the_service(leader_user, beilin):
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=leader_user, data=_data(beilin))


def test_industry_user_cannot_move_an_organisation_out_of_the_industry(lawyers_user, dataset, culture):
    with pytest.raises(PermissionDenied):
        services.organization_update(
            actor=lawyers_user,
            organization=dataset.g,
            data=_as_stored(dataset.g, OrganizationData, supervising_unit=culture),
        )
    dataset.g.refresh_from_db()
    assert dataset.g.supervising_unit.name == "西安市司法局"


def test_bad_credit_code_is_refused_by_the_model(staff_user, beilin):
    with pytest.raises(ValidationError) as exc:
        services.organization_create(actor=staff_user, data=_data(beilin, credit_code="51610103MJX12345X0"))
    assert "credit_code" in exc.value.message_dict


def test_deregister_keeps_the_record(staff_user, dataset):
    services.organization_deregister(actor=staff_user, organization=dataset.a, on=dt.date(2020, 12, 1))
    dataset.a.refresh_from_db()
    assert dataset.a.status == SocialOrganization.Status.DEREGISTERED


def test_deregistered_organisation_cannot_be_newly_covered(staff_user, dataset, beilin):
    with pytest.raises(ValidationError):
        services.party_organization_create(
            actor=staff_user,
            organizations=[dataset.h],
            data=PartyOrganizationData(
                name="新支部", kind="branch", formation="standalone", area=beilin, established_on=dt.date(2020, 5, 1)
            ),
        )


def test_committee_term_is_five_years(staff_user, dataset, beilin):
    party = services.party_organization_create(
        actor=staff_user,
        organizations=[dataset.e],
        data=PartyOrganizationData(
            name="新党委", kind="committee", formation="standalone", area=beilin, established_on=dt.date(2020, 2, 29)
        ),
    )
    assert party.term_due_on == dt.date(2025, 2, 28)


def test_database_constraints_hold_without_the_services(beilin):
    with pytest.raises(IntegrityError), transaction.atomic():
        SocialOrganizationFactory(area=beilin, staff_count=2, formal_party_members=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        SocialOrganizationFactory(area=beilin, status=SocialOrganization.Status.DEREGISTERED, deregistered_on=None)
    org = SocialOrganizationFactory(area=beilin)
    with pytest.raises(IntegrityError), transaction.atomic():
        SocialOrganizationFactory(area=beilin, credit_code=org.credit_code)
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyOrganization.objects.create(
            name="x",
            kind="branch",
            formation="standalone",
            area=beilin,
            established_on=dt.date(2020, 1, 1),
            term_due_on=dt.date(2019, 1, 1),
        )


def test_a_district_cannot_uncover_another_districts_organisation(beilin_user, dataset, cross_district_branch):
    joint = cross_district_branch
    # Beilin edits it, sending only what its form can show (E, not G).
    services.party_organization_update(
        actor=beilin_user,
        party_organization=joint,
        organizations=[dataset.e],
        data=_as_stored(joint, PartyOrganizationData, secretary="新书记"),
    )
    assert set(joint.organizations.values_list("name", flat=True)) == {"E 协会", "G 律师事务所"}
    assert joint.secretary == "新书记"


# organizations_import: the ledger import's bulk write -----------------------


def _new(area, n, **overrides):
    rng = random.Random(100 + n)
    fields = {
        "name": f"批量导入协会{n}",
        "credit_code": make_credit_code("51", "610103", rng),
        "category": SocialOrganization.Category.SOCIAL_GROUP,
        "area": area,
        "registered_on": dt.date(2019, 1, 1),
        "staff_count": 10,
        "formal_party_members": 1,
    }
    return SocialOrganization(**(fields | overrides))


def test_organizations_import_creates_and_updates_in_batches(beilin_user, beilin, dataset, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_BATCH", 2)
    stamp = dataset.a.updated_at
    dataset.a.name = "A 协会（导入改名）"
    created, updated = services.organizations_import(
        actor=beilin_user, creates=[_new(beilin, n) for n in range(5)], updates=[dataset.a], update_fields=["name"]
    )
    assert (created, updated) == (5, 1)
    assert SocialOrganization.objects.filter(name__startswith="批量导入协会").count() == 5
    dataset.a.refresh_from_db()
    assert dataset.a.name == "A 协会（导入改名）" and dataset.a.updated_at > stamp


def test_organizations_import_needs_the_right_to_add(leader_user, beilin):
    with pytest.raises(PermissionDenied):
        services.organizations_import(actor=leader_user, creates=[_new(beilin, 1)], updates=[], update_fields=[])
    assert not SocialOrganization.objects.exists()


def test_organizations_import_refuses_rows_outside_the_actors_scope(beilin_user, beilin, yanta, dataset):
    before = SocialOrganization.objects.count()
    dataset.g.name = "抢过来"  # G is registered in Yanta
    with pytest.raises(PermissionDenied):
        services.organizations_import(
            actor=beilin_user, creates=[_new(beilin, 2)], updates=[dataset.g], update_fields=["name"]
        )
    # A new row in another district rolls the whole write back.
    with pytest.raises(PermissionDenied):
        services.organizations_import(
            actor=beilin_user, creates=[_new(beilin, 3), _new(yanta, 4)], updates=[], update_fields=[]
        )
    assert SocialOrganization.objects.count() == before
    dataset.g.refresh_from_db()
    assert dataset.g.name != "抢过来"
