import pytest
from django.urls import reverse

from coverage.models import RecountRun
from coverage.recount import services
from organizations.tests.factories import AreaFactory, SocialOrganizationFactory

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("coverage:overview")


def _keys(response):
    return [row.record.scope_key for row in response.context["table"].rows]


def test_staff_see_every_area_of_the_latest_period(login, staff_user, recounted):
    response = login(staff_user).get(OVERVIEW)
    assert response.context["period"].code == "2020H2"
    assert _keys(response) == ["610100-direct", "610103", "610113"]
    beilin = next(r.record for r in response.context["table"].rows if r.record.scope_key == "610103")
    assert (beilin.organizations, beilin.org_covered, beilin.must_establish_not_established) == (6, 3, 1)


def test_district_official_sees_only_their_row(login, beilin_user, recounted):
    response = login(beilin_user).get(OVERVIEW)
    assert _keys(response) == ["610103"]


def test_industry_user_sees_their_unit_row(login, lawyers_user, justice, recounted):
    assert _keys(login(lawyers_user).get(OVERVIEW)) == []
    response = login(lawyers_user).get(OVERVIEW + "?by=unit")
    assert _keys(response) == [str(justice.pk)]


def test_period_can_be_chosen(login, staff_user, recounted):
    response = login(staff_user).get(OVERVIEW + "?period=2020H1")
    assert response.context["period"].code == "2020H1"
    beilin = next(r.record for r in response.context["table"].rows if r.record.scope_key == "610103")
    assert beilin.work_covered == 5  # E's instructor still counted on 30 June


def test_export_is_scoped(login, yanta_user, recounted):
    response = login(yanta_user).get(OVERVIEW + "?_export=csv")
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    lines = [line for line in text.splitlines()[1:] if line]
    assert len(lines) == 1 and lines[0].startswith("雁塔区")


def test_overview_query_count_is_fixed(login, staff_user, recounted, beilin, django_assert_num_queries):
    client = login(staff_user)
    with django_assert_num_queries(6):
        client.get(OVERVIEW)
    SocialOrganizationFactory.create_batch(40, area=beilin)
    for n in range(5):
        AreaFactory(code=f"Z{n}", name=f"新区{n}", parent=beilin.parent, level="zone")
    services.recount_run(period="2020H2")
    with django_assert_num_queries(6):
        response = client.get(OVERVIEW)
    assert len(_keys(response)) == 8


def test_area_page_shows_trend_and_organisations_needing_attention(login, beilin_user, recounted, beilin):
    response = login(beilin_user).get(reverse("coverage:area-detail", args=["610103"]))
    assert [s.period.code for s in response.context["trend"]] == ["2020H1", "2020H2"]
    names = {row.record.name for row in response.context["table"].rows}
    # E and F are uncovered; C must establish and has not.
    assert names == {"C 服务中心", "E 协会", "F 协会"}


def test_area_page_query_count_is_fixed(login, staff_user, recounted, beilin, django_assert_num_queries):
    client = login(staff_user)
    url = reverse("coverage:area-detail", args=["610103"])
    with django_assert_num_queries(6):
        client.get(url)
    SocialOrganizationFactory.create_batch(30, area=beilin)
    services.recount_run(period="2020H1")
    with django_assert_num_queries(6):
        client.get(url)


def test_another_districts_area_page_is_404(login, beilin_user, recounted):
    assert login(beilin_user).get(reverse("coverage:area-detail", args=["610113"])).status_code == 404


def test_recount_button_is_for_city_staff(
    login, staff_user, beilin_user, leader_user, recounted, django_capture_on_commit_callbacks
):
    url = reverse("coverage:recount")
    assert login(beilin_user).post(url, {"period": "2020H2"}).status_code == 403
    assert login(leader_user).post(url, {"period": "2020H2"}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = login(staff_user).post(url, {"period": "2020H2"})
    assert response.status_code == 302
    latest = RecountRun.objects.order_by("-pk").first()
    assert latest.status == RecountRun.Status.SUCCEEDED and latest.triggered_by == staff_user
    page = login(staff_user).get(OVERVIEW).content.decode()
    assert 'data-job-state="succeeded"' in page and "data-last-recount" in page
