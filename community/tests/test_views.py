"""Pages: scope on every list, detail, form and export; roles; the figures."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from community.models import Need, Project

pytestmark = pytest.mark.django_db

LISTS = ("need-list", "service-list", "project-list", "incubated-list")


def url(name: str, *args) -> str:
    return reverse(f"community:{name}", args=args)


def _rows(response) -> set[int]:
    return {row.record.pk for row in response.context["table"].page.object_list}


def _export(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


def _expected(cm) -> dict[str, dict[str, set[int]]]:
    pk = lambda *objs: {o.pk for o in objs}  # noqa: E731
    return {
        "need-list": {
            "beilin": pk(cm.b_need_met, cm.b_need_open, cm.b_need_planned),
            "yanta": pk(cm.y_need),
            "lawyers": set(),
        },
        "service-list": {"beilin": pk(cm.b_item, cm.b_other_item), "yanta": pk(cm.y_item), "lawyers": pk(cm.y_item)},
        "project-list": {"beilin": pk(cm.b_project, cm.b_planned), "yanta": pk(cm.y_project), "lawyers": set()},
        "incubated-list": {"beilin": pk(cm.b_incubated), "yanta": pk(cm.y_incubated), "lawyers": set()},
    }


@pytest.mark.parametrize("name", LISTS)
def test_lists_are_scoped(login, cm, beilin_user, yanta_user, lawyers_user, staff_user, name):
    expected = _expected(cm)[name]
    for user in (beilin_user, yanta_user, lawyers_user):
        response = login(user).get(url(name))
        assert response.status_code == 200
        assert _rows(response) == expected[user.username], (name, user.username)
    everything = set().union(*expected.values())
    assert _rows(login(staff_user).get(url(name))) == everything


@pytest.mark.parametrize("name", LISTS)
def test_csv_export_is_scoped(login, beilin_user, cm, name):
    response = login(beilin_user).get(url(name) + "?_export=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _export(response)
    assert len(rows) - 1 == len(_expected(cm)[name]["beilin"])
    assert "吉祥村" not in "".join(",".join(r) for r in rows)


@pytest.mark.parametrize("name", LISTS)
def test_xlsx_export_is_scoped(login, yanta_user, cm, name):
    response = login(yanta_user).get(url(name) + "?_export=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row - 1 == len(_expected(cm)[name]["yanta"])


def test_need_filter_met(login, beilin_user, cm):
    response = login(beilin_user).get(url("need-list") + "?met=false")
    assert _rows(response) == {cm.b_need_open.pk, cm.b_need_planned.pk}
    rows = _export(login(beilin_user).get(url("need-list") + "?met=true&_export=csv"))
    assert rows[1:] and all("老人助餐" in ",".join(r) for r in rows[1:])


def test_beilin_cannot_open_yantas_community_page_or_need(login, beilin_user, cm):
    client = login(beilin_user)
    assert client.get(url("pilot-page", cm.y_pilot.pk)).status_code == 404
    assert client.get(url("need-detail", cm.y_need.pk)).status_code == 404
    assert client.get(url("need-update", cm.y_need.pk)).status_code == 404
    assert client.get(url("project-update", cm.y_project.pk)).status_code == 404
    assert client.get(url("incubated-update", cm.y_incubated.pk)).status_code == 404
    assert client.get(url("service-detail", cm.y_item.pk)).status_code == 404
    assert client.get(url("pilot-page", cm.b_pilot.pk)).status_code == 200


def test_beilin_cannot_post_into_yanta(login, beilin_user, cm):
    client = login(beilin_user)
    data = {
        "community": cm.y_pilot.pk,
        "category": "other",
        "source": "survey",
        "recorded_on": "2020-08-01",
        "description": "越权",
    }
    response = client.post(url("need-update", cm.y_need.pk), data)
    assert response.status_code == 404
    response = client.post(url("need-create"), data)
    assert response.status_code == 200  # the form refuses the community it does not offer
    assert not Need.objects.filter(description="越权").exists()
    response = client.post(
        url("project-create"),
        {
            "need": cm.y_need.pk,
            "service_item": cm.b_item.pk,
            "name": "x",
            "status": "planned",
            "starts_on": "2020-09-01",
            "people_served": 0,
        },
    )
    assert response.status_code == 200
    assert not Project.objects.filter(name="x").exists()


def test_leader_reads_but_cannot_write(login, leader_user, cm):
    client = login(leader_user)
    assert client.get(url("pilot-page", cm.b_pilot.pk)).status_code == 200
    assert client.get(url("district")).status_code == 200
    assert client.get(url("need-create")).status_code == 403
    assert client.get(url("need-update", cm.b_need_open.pk)).status_code == 403


def test_lawyers_have_no_community_page(login, lawyers_user, cm):
    client = login(lawyers_user)
    assert client.get(url("pilot-page", cm.y_pilot.pk)).status_code == 404
    assert client.get(url("district")).status_code == 200
    assert client.get(url("need-create")).status_code == 403


def test_match_form_refuses_an_organisation_not_serving_the_community(login, beilin_user, cm):
    client = login(beilin_user)
    page = client.get(url("project-create") + f"?need={cm.b_need_open.pk}")
    # Opened from the need: only the serving organisation's offers.
    assert list(page.context["form"].fields["service_item"].queryset) == [cm.b_item]
    response = client.post(
        url("project-create"),
        {
            "need": cm.b_need_open.pk,
            "service_item": cm.b_other_item.pk,
            "name": "课堂",
            "status": "running",
            "starts_on": "2020-09-01",
            "people_served": 10,
        },
    )
    assert response.status_code == 200
    assert "碑林另一协会" in str(response.context["form"].errors["service_item"])


def test_community_page_shows_figures_and_buttons(login, beilin_user, cm):
    response = login(beilin_user).get(url("pilot-page", cm.b_pilot.pk))
    html = response.content.decode()
    assert response.context["figures"]["met"] == 1 and response.context["figures"]["needs"] == 3
    assert f'data-match="{cm.b_need_open.pk}"' in html
    assert f'data-match="{cm.b_need_met.pk}"' not in html
    assert url("need-create") + f"?community={cm.b_pilot.pk}" in html
    assert "另一助餐" not in html  # an organisation not serving the community


def test_district_page_for_beilin_and_staff(login, beilin_user, staff_user, cm):
    response = login(beilin_user).get(url("district"))
    assert response.context["summary"]["needs"] == 3
    assert [row.pk for row in response.context["community_rows"]] == [cm.b_pilot.pk]
    response = login(staff_user).get(url("district"))
    assert {row.label: row.met for row in response.context["district_rows"]} == {"碑林区": 1, "雁塔区": 1}
    response = login(staff_user).get(url("district") + "?district=610113")
    assert [row.pk for row in response.context["community_rows"]] == [cm.y_pilot.pk]


def test_pilot_detail_links_to_the_community_page(login, beilin_user, cm):
    html = login(beilin_user).get(reverse("engagement:pilot-detail", args=[cm.b_pilot.pk])).content.decode()
    assert url("pilot-page", cm.b_pilot.pk) in html
