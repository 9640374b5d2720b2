"""Create and edit through the pages: bad input is refused with a message
where it is wrong, and nothing is saved."""

import random

import pytest
from django.urls import reverse

from organizations.creditcode import make_credit_code
from organizations.models import PartyOrganization, SocialOrganization

pytestmark = pytest.mark.django_db

CREATE = reverse("organizations:organization-create")
PARTY_CREATE = reverse("organizations:party-organization-create")


def _org_data(area, **overrides):
    data = {
        "name": "碑林区新设协会",
        "credit_code": make_credit_code("51", "610103", random.Random(11)),
        "category": "social_group",
        "area": area.pk,
        "registered_on": "2020-06-01",
        "status": "active",
        "staff_count": 12,
        "formal_party_members": 3,
        "setup_path": "standalone",
        "setup_contact": "王联络",
    }
    data.update(overrides)
    return data


def test_district_official_registers_an_organisation(login, beilin_user, beilin):
    response = login(beilin_user).post(CREATE, _org_data(beilin))
    org = SocialOrganization.objects.get(name="碑林区新设协会")
    assert response.status_code == 302 and response.url == org.get_absolute_url()
    assert org.area == beilin


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"credit_code": "51610103MJX12345X0"}, "credit_code", "校验码"),
        ({"credit_code": "51610103mjx12345x0"}, "credit_code", "大写"),
        ({"credit_code": "5161010"}, "credit_code", "18"),
        ({"formal_party_members": 20}, "formal_party_members", "不能超过"),
        ({"registered_on": "2099-01-01"}, "registered_on", "未来"),
        ({"registered_on": "2020-02-30"}, "registered_on", "日期"),
        ({"status": "deregistered"}, "deregistered_on", "注销日期"),
        ({"staff_count": -1}, "staff_count", "0"),
        ({"name": ""}, "name", "必填"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(login, beilin_user, beilin, overrides, field, fragment):
    response = login(beilin_user).post(CREATE, _org_data(beilin, **overrides))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert fragment in errors, response.context["form"].errors
    assert "没有保存" in response.content.decode()
    assert not SocialOrganization.objects.exists()


def test_duplicate_credit_code_is_refused(login, staff_user, dataset, beilin):
    response = login(staff_user).post(CREATE, _org_data(beilin, credit_code=dataset.a.credit_code))
    assert "已存在" in " ".join(response.context["form"].errors["credit_code"])
    assert SocialOrganization.objects.filter(credit_code=dataset.a.credit_code).count() == 1


def test_district_official_cannot_register_in_another_district(login, beilin_user, beilin, yanta):
    response = login(beilin_user).post(CREATE, _org_data(yanta))
    assert response.status_code == 200 and "area" in response.context["form"].errors
    assert not SocialOrganization.objects.exists()


def test_code_contradicting_the_category_saves_with_a_warning(login, staff_user, beilin):
    data = _org_data(beilin, category="foundation")
    response = login(staff_user).post(CREATE, data, follow=True)
    assert SocialOrganization.objects.filter(name=data["name"]).exists()
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1 and "51" in warnings[0]


def test_leadership_cannot_create_or_edit(login, leader_user, dataset, beilin):
    client = login(leader_user)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _org_data(beilin)).status_code == 403
    assert (
        client.post(reverse("organizations:organization-update", args=[dataset.a.pk]), {"name": "x"}).status_code == 403
    )
    assert not SocialOrganization.objects.filter(name="碑林区新设协会").exists()


def test_edit_deregisters_without_deleting(login, beilin_user, dataset, beilin):
    org = dataset.b
    data = _org_data(
        beilin,
        name=org.name,
        credit_code=org.credit_code,
        status="deregistered",
        deregistered_on="2020-12-01",
        formal_party_members=1,
        registered_on="2015-05-01",
    )
    response = login(beilin_user).post(reverse("organizations:organization-update", args=[org.pk]), data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.status == "deregistered" and str(org.deregistered_on) == "2020-12-01"


def _party_data(area, orgs, **overrides):
    data = {
        "name": "新建党支部",
        "kind": "branch",
        "formation": "standalone",
        "organizations": [o.pk for o in orgs],
        "area": area.pk,
        "secretary": "刘书记",
        "established_on": "2020-07-01",
        "member_count": 3,
        "status": "active",
    }
    data.update(overrides)
    return data


def test_party_organisation_gets_the_standard_term(login, beilin_user, dataset, beilin):
    response = login(beilin_user).post(PARTY_CREATE, _party_data(beilin, [dataset.e]))
    assert response.status_code == 302
    party = PartyOrganization.objects.get(name="新建党支部")
    assert str(party.term_due_on) == "2023-07-01"
    assert list(party.organizations.all()) == [dataset.e]


def test_standalone_cannot_cover_two(login, beilin_user, dataset, beilin):
    response = login(beilin_user).post(PARTY_CREATE, _party_data(beilin, [dataset.e, dataset.d]))
    assert response.status_code == 200
    assert "联合组建" in " ".join(response.context["form"].errors["organizations"])
    assert not PartyOrganization.objects.filter(name="新建党支部").exists()


def test_party_organisation_cannot_cover_another_districts_organisation(login, beilin_user, dataset, beilin):
    response = login(beilin_user).post(PARTY_CREATE, _party_data(beilin, [dataset.g]))
    assert response.status_code == 200 and "organizations" in response.context["form"].errors
    assert not PartyOrganization.objects.filter(name="新建党支部").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"established_on": "2099-01-01"}, "established_on"),
        ({"term_due_on": "2019-01-01"}, "term_due_on"),
        ({"status": "dissolved"}, "dissolved_on"),
        ({"last_activity_on": "2019-01-01"}, "last_activity_on"),
        ({"kind": "nonsense"}, "kind"),
    ],
)
def test_party_organisation_bad_input(login, beilin_user, dataset, beilin, overrides, field):
    response = login(beilin_user).post(PARTY_CREATE, _party_data(beilin, [dataset.e], **overrides))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not PartyOrganization.objects.filter(name="新建党支部").exists()


def test_editing_a_cross_district_branch_keeps_the_other_districts_link(
    login, beilin_user, dataset, beilin, cross_district_branch
):
    joint = cross_district_branch
    url = reverse("organizations:party-organization-update", args=[joint.pk])
    data = _party_data(
        beilin,
        [dataset.e],
        name="跨区联合党支部",
        formation="joint",
        term_due_on="2023-05-01",
        established_on="2020-05-01",
    )
    response = login(beilin_user).post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert set(joint.organizations.values_list("name", flat=True)) == {"E 协会", "G 律师事务所"}
