"""Community and organisation pickers in the engagement forms: the endpoints
offer the user's own rows, the forms list only what is chosen, and a crafted
choice from another scope is refused with a message."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from engagement.models import Contribution, PilotCommunity, PlaqueAward
from engagement.tests.factories import CommunityFactory, PilotCommunityFactory
from organizations.models import Area
from organizations.tests.factories import AreaFactory, SocialOrganizationFactory

pytestmark = pytest.mark.django_db

COMMUNITIES = reverse("engagement:autocomplete-communities")
ASSIGNABLE = reverse("engagement:autocomplete-assignable-pilots")
PLAQUE_PILOTS = reverse("engagement:autocomplete-plaque-pilots")
REFUSED = "该记录在此处不可选"


def _ids(client, url: str, q: str) -> set[int]:
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def url(name: str, *args) -> str:
    return reverse(f"engagement:{name}", args=args)


def test_communities_offered_are_the_users_own_not_yet_in_the_pilot(
    login, beilin_user, yanta_user, eng, nanyuanmen, jixiangcun
):
    free = CommunityFactory(parent=nanyuanmen, name="琉璃街社区")
    # 保吉巷 (Beilin) and 吉祥村 (Yanta) are already pilots.
    assert _ids(login(beilin_user), COMMUNITIES, "社区") == {free.pk}
    assert _ids(login(yanta_user), COMMUNITIES, "社区") == set()
    assert _ids(login(yanta_user), COMMUNITIES, "琉璃街") == set()
    row = login(beilin_user).get(COMMUNITIES, {"q": "琉璃"}).json()["results"][0]
    assert row == {"id": free.pk, "text": "琉璃街社区（南院门街道）", "hint": "碑林区"}


def test_pilots_for_assignment_are_citywide_for_an_industry_committee(login, lawyers_user, beilin_user, eng):
    assert _ids(login(lawyers_user), ASSIGNABLE, "社区") == {eng.b_pilot.pk, eng.y_pilot.pk}
    assert _ids(login(beilin_user), ASSIGNABLE, "社区") == {eng.b_pilot.pk}
    assert _ids(login(beilin_user), ASSIGNABLE, "吉祥村") == set()


def test_pilots_for_plaques_are_those_the_user_sees(login, lawyers_user, yanta_user, eng, yanta):
    # The lawyers' firms serve both pilots; a Yanta community nobody of theirs serves stays unseen.
    other = AreaFactory(code="610113-02", name="大雁塔街道", parent=yanta, level=Area.Level.SUBDISTRICT)
    unserved = PilotCommunityFactory(community=CommunityFactory(parent=other, name="雁南社区"))
    assert _ids(login(lawyers_user), PLAQUE_PILOTS, "社区") == {eng.b_pilot.pk, eng.y_pilot.pk}
    assert _ids(login(yanta_user), PLAQUE_PILOTS, "社区") == {eng.y_pilot.pk, unserved.pk}


@pytest.mark.parametrize(
    "name", ["base-create", "pilot-create", "assignment-create", "plaque-create", "contribution-create"]
)
def test_create_forms_list_no_organisation_or_community(login, staff_user, eng, beilin, nanyuanmen, name):
    for n in range(30):
        SocialOrganizationFactory(name=f"碑林区协会{n:02d}", area=beilin)
        CommunityFactory(parent=nanyuanmen, name=f"测试社区{n:02d}")
    html = login(staff_user).get(url(name)).content.decode()
    for select in re.findall(r'<select name="(?:organization|host_organization|community)".*?</select>', html, re.S):
        assert re.findall(r'<option value="\d+"', select) == []
    assert "碑林区协会" not in html and "测试社区" not in html
    assert html.count("<option") <= 25


def test_edit_form_shows_the_chosen_organisation_and_community(login, beilin_user, eng):
    html = login(beilin_user).get(url("plaque-update", eng.b_plaque.pk)).content.decode()
    chosen = re.findall(r'<option value="(\d+)" selected>([^<]*)<', html)
    assert (str(eng.b_org.pk), "碑林文化协会（碑林区）") in chosen
    assert (str(eng.b_pilot.pk), "保吉巷社区（南院门街道）") in chosen


def test_another_districts_organisation_is_refused_with_a_message(login, beilin_user, eng):
    response = login(beilin_user).post(
        url("contribution-create"),
        {
            "organization": eng.y_org.pk,
            "kind": Contribution.Kind.EPIDEMIC,
            "made_on": "2020-02-03",
            "money_yuan": "1",
            "goods_value_yuan": "0",
            "people_helped": "0",
            "teams_sent": "0",
        },
    )
    assert REFUSED in " ".join(response.context["form"].errors["organization"])
    assert eng.y_org.name not in response.content.decode()
    assert Contribution.objects.count() == 3


def test_another_districts_community_is_refused(login, beilin_user, eng, yanta, jixiangcun):
    xiaozhai = jixiangcun.parent
    free_yanta = CommunityFactory(parent=xiaozhai, name="雁塔空社区")
    response = login(beilin_user).post(url("pilot-create"), {"community": free_yanta.pk, "selected_on": "2020-03-01"})
    assert REFUSED in " ".join(response.context["form"].errors["community"])
    assert not PilotCommunity.objects.filter(community=free_yanta).exists()
    response = login(beilin_user).post(
        url("plaque-create"),
        {"organization": eng.b_org.pk, "community": eng.y_pilot.pk, "awarded_on": "2020-03-01", "place": "x"},
    )
    assert REFUSED in " ".join(response.context["form"].errors["community"])
    assert PlaqueAward.objects.count() == 2
