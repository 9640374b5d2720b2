"""The shared write helper and the data classes' plumbing, tested once so
that each app's service tests can lean on them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.services import data_from, data_values, record_save
from organizations.models import Area, SocialOrganization
from organizations.tests.factories import SocialOrganizationFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True, kw_only=True)
class MoveData:
    area: Area
    name: str = "改名协会"


def test_record_save_stores_the_values_within_scope(beilin_user, dataset):
    saved = record_save(actor=beilin_user, instance=dataset.a, values={"name": "A 协会（改名）"})
    assert saved is dataset.a
    dataset.a.refresh_from_db()
    assert dataset.a.name == "A 协会（改名）"


def test_a_save_that_leaves_the_actors_scope_writes_nothing(beilin_user, yanta, dataset):
    with pytest.raises(PermissionDenied):
        record_save(actor=beilin_user, instance=dataset.a, values={"area": yanta, "name": "搬走的协会"})
    dataset.a.refresh_from_db()
    assert dataset.a.area.name == "碑林区" and dataset.a.name == "A 协会"


def test_a_new_record_outside_the_actors_scope_is_not_created(beilin_user, yanta, dataset):
    values = {field: getattr(dataset.a, field) for field in ("category", "registered_on", "staff_count")}
    new = SocialOrganization(name="雁塔新协会", credit_code=SocialOrganizationFactory.build().credit_code, area=yanta)
    with pytest.raises(PermissionDenied):
        record_save(actor=beilin_user, instance=new, values=values)
    assert not SocialOrganization.objects.filter(name="雁塔新协会").exists()


def test_the_model_validates_before_the_check_and_the_write(beilin_user, dataset):
    checked = []
    with pytest.raises(ValidationError) as exc:
        record_save(actor=beilin_user, instance=dataset.a, values={"staff_count": -1}, check=checked.append)
    assert "staff_count" in exc.value.message_dict and not checked
    dataset.a.refresh_from_db()
    assert dataset.a.staff_count >= 0


def test_a_failing_check_writes_nothing(beilin_user, dataset):
    def refuse(organization: SocialOrganization) -> None:
        assert organization.name == "不该保存"  # the values are set when the check runs
        raise ValidationError({"name": "no"})

    with pytest.raises(ValidationError):
        record_save(actor=beilin_user, instance=dataset.a, values={"name": "不该保存"}, check=refuse)
    dataset.a.refresh_from_db()
    assert dataset.a.name == "A 协会"


def test_data_values_keeps_the_records_themselves(beilin):
    data = MoveData(area=beilin)
    assert data_values(data) == {"area": beilin, "name": "改名协会"}
    assert data_values(data)["area"] is beilin
    assert dataclasses.asdict(data)["area"] is not beilin  # why data_values exists


def test_data_from_takes_exactly_the_data_class_fields(beilin):
    assert data_from(MoveData, {"area": beilin, "name": "x"}) == MoveData(area=beilin, name="x")
    # A form that forgot a field with a default would otherwise store the default.
    with pytest.raises(TypeError, match="missing \\['name'\\]"):
        data_from(MoveData, {"area": beilin})
    with pytest.raises(TypeError, match="unexpected \\['status'\\]"):
        data_from(MoveData, {"area": beilin, "name": "x", "status": "active"})
