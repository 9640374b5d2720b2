"""Pages: the list (scoped, filtered by each indicator, exported), the form
(scoped: another district 404, the leader 403) and the detail page's section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from organizations.tests.factories import SocialOrganizationFactory
from political.models import PoliticalBuilding

pytestmark = pytest.mark.django_db

LIST = reverse("political:list")


def _rows(response) -> set[int]:
    return {row.record.pk for row in response.context["table"].page.object_list}


@pytest.fixture
def orgs(beilin, yanta):
    with_charter = SocialOrganizationFactory(name="入章协会", area=beilin)
    PoliticalBuilding.objects.create(
        organization=with_charter,
        charter_on=dt.date(2020, 3, 1),
        members_in_management=2,
        management_on_committee=1,
        cross_appointed_on=dt.date(2020, 9, 1),
    )
    bare = SocialOrganizationFactory(name="无记录协会", area=beilin)
    other = SocialOrganizationFactory(name="雁塔协会", area=yanta)
    return with_charter, bare, other


def test_list_is_scoped_and_filters_by_each_indicator(login, beilin_user, staff_user, orgs):
    with_charter, bare, other = orgs
    client = login(beilin_user)
    assert _rows(client.get(LIST)) == {with_charter.pk, bare.pk}
    assert _rows(client.get(LIST, {"charter": "true"})) == {with_charter.pk}
    assert _rows(client.get(LIST, {"charter": "false"})) == {bare.pk}
    assert _rows(client.get(LIST, {"cross_appointed": "true"})) == {with_charter.pk}
    assert _rows(client.get(LIST, {"consultation": "true"})) == set()
    assert _rows(client.get(LIST, {"secretary_meetings": "false"})) == {with_charter.pk, bare.pk}
    assert _rows(login(staff_user).get(LIST)) == {with_charter.pk, bare.pk, other.pk}


def test_export_holds_the_filtered_rows(login, beilin_user, orgs):
    response = login(beilin_user).get(LIST, {"charter": "true", "_export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert "入章协会" in body and "2020-03-01" in body and "无记录协会" not in body


def test_form_saves_and_returns_to_the_organisation(login, beilin_user, orgs):
    _with_charter, bare, _other = orgs
    url = reverse("political:update", args=[bare.pk])
    client = login(beilin_user)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "charter_on": "2020-05-04",
            "charter_evidence": "章程第三条",
            "members_in_management": "0",
            "management_on_committee": "0",
            "cross_appointed_on": "",
            "cross_appointment_evidence": "",
            "secretary_meetings_on": "",
            "secretary_meetings_evidence": "",
            "consultation_on": "",
            "consultation_evidence": "",
        },
    )
    assert response.status_code == 302
    assert bare.political.charter_on == dt.date(2020, 5, 4)
    page = client.get(reverse("organizations:organization-detail", args=[bare.pk])).content.decode()
    assert "章程第三条" in page and url in page


def test_form_is_refused_outside_scope_and_to_the_leader(login, yanta_user, leader_user, orgs):
    with_charter, _bare, _other = orgs
    url = reverse("political:update", args=[with_charter.pk])
    assert login(yanta_user).get(url).status_code == 404
    assert login(yanta_user).post(url, {"charter_on": "2020-01-01"}).status_code == 404
    assert login(leader_user).get(url).status_code == 403
    detail = login(leader_user).get(reverse("organizations:organization-detail", args=[with_charter.pk]))
    assert url not in detail.content.decode() and "2020-03-01" in detail.content.decode()
    assert PoliticalBuilding.objects.get(organization=with_charter).charter_on == dt.date(2020, 3, 1)
