"""Where an organisation sits (住所所在街道/社区): picked on the form from the
user's own sub-districts and communities, refused outside the registration
area, shown on the detail page and in the export, and filtered by."""

from __future__ import annotations

import csv
import io
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations import services
from organizations.creditcode import make_credit_code
from organizations.forms import SocialOrganizationForm
from organizations.models import Area, SocialOrganization
from organizations.tests.factories import AreaFactory, SocialOrganizationFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("organizations:organization-create")
LIST = reverse("organizations:organization-list")
LOCATIONS = reverse("organizations:autocomplete-locations")


@pytest.fixture
def hanguangmen(nanyuanmen) -> Area:
    return AreaFactory(code="610103-01-01", name="含光门社区", parent=nanyuanmen, level=Area.Level.COMMUNITY)


@pytest.fixture
def xiaozhai(yanta) -> Area:
    return AreaFactory(code="610113-01", name="小寨路街道", parent=yanta, level=Area.Level.SUBDISTRICT)


def _org_data(area, **overrides) -> dict:
    data = {
        "name": "住所测试协会",
        "credit_code": make_credit_code("51", "610103", random.Random(23)),
        "category": "social_group",
        "area": area.pk,
        "registered_on": "2020-06-01",
        "status": "active",
        "staff_count": 12,
        "formal_party_members": 0,
        "setup_path": "pending",
    }
    return data | overrides


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def _listed(client, query: str) -> set[str]:
    response = client.get(f"{LIST}?per_page=100&{query}")
    assert response.status_code == 200
    return {row.record.name for row in response.context["table"].page.object_list}


# The form


def test_the_form_saves_a_location(login, beilin_user, beilin, hanguangmen):
    response = login(beilin_user).post(CREATE, _org_data(beilin, location=hanguangmen.pk))
    org = SocialOrganization.objects.get(name="住所测试协会")
    assert response.status_code == 302
    assert org.location == hanguangmen


def test_the_location_comes_right_after_the_registration_area(beilin_user):
    fields = list(SocialOrganizationForm(user=beilin_user).fields)
    assert fields[fields.index("area") + 1] == "location"


def test_a_location_outside_the_registration_area_is_refused_on_its_field(login, staff_user, beilin, xiaozhai):
    # City staff may pick any sub-district; the model's rule still ties it to the registration area.
    response = login(staff_user).post(CREATE, _org_data(beilin, location=xiaozhai.pk))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["location"], errors
    assert "小寨路街道" in errors["location"][0] and "碑林区" in errors["location"][0]
    assert not SocialOrganization.objects.filter(name="住所测试协会").exists()


def test_a_district_official_cannot_post_another_districts_sub_district(login, beilin_user, beilin, xiaozhai):
    form = SocialOrganizationForm(data=_org_data(beilin, location=xiaozhai.pk), user=beilin_user)
    assert not form.is_valid() and list(form.errors) == ["location"]
    response = login(beilin_user).post(CREATE, _org_data(beilin, location=xiaozhai.pk))
    assert response.status_code == 200 and "location" in response.context["form"].errors
    assert not SocialOrganization.objects.filter(name="住所测试协会").exists()


def test_a_district_area_is_no_location(login, beilin_user, beilin):
    response = login(beilin_user).post(CREATE, _org_data(beilin, location=beilin.pk))
    assert response.status_code == 200 and "location" in response.context["form"].errors


def test_the_service_keeps_callers_without_a_location_working(beilin_user, beilin, hanguangmen):
    data = services.OrganizationData(
        name="服务层住所协会",
        credit_code=make_credit_code("51", "610103", random.Random(29)),
        category=SocialOrganization.Category.SOCIAL_GROUP,
        area=beilin,
        registered_on=SocialOrganization._meta.get_field("registered_on").to_python("2020-01-01"),
        staff_count=3,
    )
    org, _ = services.organization_create(actor=beilin_user, data=data)
    assert org.location is None
    org, _ = services.organization_update(
        actor=beilin_user, organization=org, data=services.OrganizationData(**{**vars(data), "location": hanguangmen})
    )
    org.refresh_from_db()
    assert org.location == hanguangmen


# The picker's endpoint


def test_the_picker_offers_only_the_users_own_sub_districts_and_communities(
    login, beilin_user, nanyuanmen, hanguangmen, xiaozhai
):
    rows = login(beilin_user).get(LOCATIONS, {"q": "街道"}).json()["results"]
    assert [row["text"] for row in rows] == ["碑林区 · 南院门街道"]
    assert login(beilin_user).get(LOCATIONS, {"q": "小寨"}).json()["results"] == []
    rows = login(beilin_user).get(LOCATIONS, {"q": "含光门"}).json()["results"]
    assert rows == [{"id": hanguangmen.pk, "text": "碑林区 · 南院门街道 · 含光门社区", "hint": ""}]


def test_the_picker_answers_twenty_at_most_without_a_query_per_row(login, beilin_user, nanyuanmen):
    for n in range(25):
        AreaFactory(code=f"610103-01-{n + 10}", name=f"测试{n}社区", parent=nanyuanmen, level=Area.Level.COMMUNITY)
    client = login(beilin_user)
    client.get(LOCATIONS, {"q": "社区"})  # the session and user, read once
    with CaptureQueriesContext(connection) as queries:
        rows = client.get(LOCATIONS, {"q": "社区"}).json()["results"]
    assert len(rows) == 20
    assert all(row["text"].startswith("碑林区 · 南院门街道 · ") for row in rows)
    assert len(queries) <= 5, [q["sql"] for q in queries]


def test_the_picker_refuses_anonymous_requests(client):
    assert client.get(LOCATIONS, {"q": "街道"}).status_code == 403


# The list's filter, the detail page and the export


@pytest.fixture
def located(dataset, nanyuanmen, hanguangmen):
    SocialOrganization.objects.filter(pk=dataset.a.pk).update(location=nanyuanmen)
    SocialOrganization.objects.filter(pk=dataset.b.pk).update(location=hanguangmen)
    return dataset


def test_the_filter_takes_a_sub_district_with_its_communities(login, beilin_user, located, nanyuanmen, hanguangmen):
    client = login(beilin_user)
    assert _listed(client, f"location={nanyuanmen.pk}") == {"A 协会", "B 协会"}
    assert _listed(client, f"location={hanguangmen.pk}") == {"B 协会"}


def test_the_filter_takes_the_records_without_a_location(login, beilin_user, located):
    client = login(beilin_user)
    assert _listed(client, "no_location=true") == {"C 服务中心", "D 基金会", "E 协会", "F 协会", "H 协会（已注销）"}
    assert _listed(client, "no_location=false") == {"A 协会", "B 协会"}


def test_the_filters_combine_with_a_half_year_and_a_registration_area(login, staff_user, located, nanyuanmen, beilin):
    client = login(staff_user)
    # 2020H2's list leaves out H (deregistered in March 2020).
    assert _listed(client, f"period=2020H2&area={beilin.pk}&location={nanyuanmen.pk}") == {"A 协会", "B 协会"}
    assert _listed(client, f"period=2020H2&registration_area={beilin.pk}&no_location=true") == {
        "C 服务中心",
        "D 基金会",
        "E 协会",
        "F 协会",
    }
    # The form carries them, hidden, to the next filter.
    response = client.get(f"{LIST}?period=2020H2&location={nanyuanmen.pk}&no_location=true")
    page = response.content.decode()
    assert f'type="hidden" name="location" value="{nanyuanmen.pk}"' in page
    assert 'name="no_location"' in page


def test_another_districts_location_filters_nothing_in(login, yanta_user, located, nanyuanmen):
    # Not theirs to filter by: the filter is refused, and nothing of Beilin's shows.
    assert "A 协会" not in _listed(login(yanta_user), f"location={nanyuanmen.pk}")


def test_the_detail_page_names_the_sub_district_and_community(login, beilin_user, located):
    client = login(beilin_user)
    page = client.get(reverse("organizations:organization-detail", args=[located.b.pk])).content.decode()
    assert "南院门街道 · 含光门社区" in page and "碑林区 · 南院门街道" not in page
    page = client.get(reverse("organizations:organization-detail", args=[located.c.pk])).content.decode()
    assert "<dd data-location>—</dd>" in page


def test_the_export_has_the_location_without_a_query_per_row(login, beilin_user, located):
    client = login(beilin_user)
    rows = _csv_rows(client.get(LIST + "?_export=csv"))
    by_name = {row[0]: row for row in rows[1:]}
    column = next(i for i, value in enumerate(by_name["B 协会"]) if value == "南院门街道 · 含光门社区")
    assert by_name["A 协会"][column] == "南院门街道"
    assert by_name["C 服务中心"][column] == ""
    assert rows[0][column]  # its header
    with CaptureQueriesContext(connection) as few:
        _csv_rows(client.get(LIST + "?_export=csv"))
    for n in range(5):
        SocialOrganizationFactory(name=f"又一协会{n}", area=located.a.area, location=located.b.location)
    with CaptureQueriesContext(connection) as more:
        _csv_rows(client.get(LIST + "?_export=csv"))
    assert len(more) == len(few)


def test_a_city_registration_keeps_the_district_in_its_location(login, staff_user, city, hanguangmen):
    org = SocialOrganizationFactory(name="市本级协会", area=city, location=hanguangmen)
    page = login(staff_user).get(org.get_absolute_url()).content.decode()
    assert "碑林区 · 南院门街道 · 含光门社区" in page
