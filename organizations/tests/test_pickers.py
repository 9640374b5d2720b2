"""The party-organisation form picks organisations and a parent through
pickers: the page lists only what is chosen, and a posted id outside the
user's scope is refused with a message."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from organizations.models import PartyOrganization
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory

pytestmark = pytest.mark.django_db

PARTY_CREATE = reverse("organizations:party-organization-create")
REFUSED = "该记录在此处不可选"


def _select(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert match, name
    return match.group(0)


def _party_data(area, organizations, **overrides):
    data = {
        "name": "碑林区新设党支部",
        "kind": "branch",
        "formation": "standalone",
        "organizations": [o.pk for o in organizations],
        "area": area.pk,
        "secretary": "李书记",
        "established_on": "2020-06-01",
        "member_count": 3,
        "status": "active",
    }
    data.update(overrides)
    return data


@pytest.fixture
def many_orgs(beilin, yanta):
    for n in range(40):
        SocialOrganizationFactory(name=f"碑林区协会{n:02d}", area=beilin)
        SocialOrganizationFactory(name=f"雁塔区协会{n:02d}", area=yanta)


def test_the_create_form_lists_no_organisation_however_many_there_are(login, staff_user, dataset, many_orgs):
    html = login(staff_user).get(PARTY_CREATE).content.decode()
    assert "<option" not in _select(html, "organizations")
    assert _select(html, "parent").count("<option") == 1  # the empty choice
    assert "协会" not in html
    # Only the short fixed lists (kind, formation, area, unit, status) remain.
    assert html.count("<option") <= 20
    assert 'data-picker-url="/organizations/autocomplete/organizations/"' in html
    assert "输入名称或信用代码搜索…" in html


def test_a_district_official_picks_an_organisation_and_saves(login, beilin_user, beilin, dataset):
    response = login(beilin_user).post(PARTY_CREATE, _party_data(beilin, [dataset.e]))
    party = PartyOrganization.objects.get(name="碑林区新设党支部")
    assert response.status_code == 302 and list(party.organizations.all()) == [dataset.e]


def test_another_districts_organisation_is_refused_and_not_shown_back(login, beilin_user, beilin, dataset):
    response = login(beilin_user).post(PARTY_CREATE, _party_data(beilin, [dataset.e, dataset.g]))
    assert response.status_code == 200
    assert REFUSED in " ".join(response.context["form"].errors["organizations"])
    html = response.content.decode()
    assert "G 律师事务所" not in html
    # What was in scope stays picked, so only the refused one has to go.
    assert re.findall(r'<option value="(\d+)" selected', _select(html, "organizations")) == [str(dataset.e.pk)]
    assert not PartyOrganization.objects.filter(name="碑林区新设党支部").exists()


def test_another_districts_parent_is_refused(login, beilin_user, beilin, yanta, dataset):
    yanta_committee = PartyOrganizationFactory(name="雁塔综合党委", area=yanta, kind=PartyOrganization.Kind.COMMITTEE)
    response = login(beilin_user).post(PARTY_CREATE, _party_data(beilin, [dataset.e], parent=yanta_committee.pk))
    assert REFUSED in " ".join(response.context["form"].errors["parent"])
    assert "雁塔综合党委" not in response.content.decode()
    assert not PartyOrganization.objects.filter(name="碑林区新设党支部").exists()


def test_the_edit_form_shows_the_covered_organisations_and_the_parent(login, beilin_user, beilin, dataset):
    committee = PartyOrganizationFactory(name="碑林综合党委", area=beilin, kind=PartyOrganization.Kind.COMMITTEE)
    dataset.joint.parent = committee
    dataset.joint.save()
    html = login(beilin_user).get(reverse("organizations:party-organization-update", args=[dataset.joint.pk]))
    html = html.content.decode()
    picked = re.findall(r'<option value="(\d+)" selected>([^<]*)<', _select(html, "organizations"))
    assert sorted(picked) == sorted(
        [(str(dataset.b.pk), "B 协会（碑林区）"), (str(dataset.c.pk), "C 服务中心（碑林区）")]
    )
    assert re.findall(r'<option value="(\d+)" selected>([^<]*)<', _select(html, "parent")) == [
        (str(committee.pk), "碑林综合党委（碑林区）")
    ]


def test_a_deregistered_covered_organisation_stays_picked_when_editing(login, beilin_user, beilin, dataset):
    # H is deregistered: no picker offers it, but its branch's edit form keeps it.
    url = reverse("organizations:party-organization-update", args=[dataset.p_h.pk])
    client = login(beilin_user)
    html = client.get(url).content.decode()
    assert re.findall(r'<option value="(\d+)" selected', _select(html, "organizations")) == [str(dataset.h.pk)]
    data = _party_data(beilin, [dataset.h], name=dataset.p_h.name, established_on="2019-01-01")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert list(dataset.p_h.organizations.all()) == [dataset.h]
