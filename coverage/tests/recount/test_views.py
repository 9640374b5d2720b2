import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse

from coverage.models import Period, RecountRun, Snapshot
from coverage.recount import compute, services
from coverage.warnings.scan import warning_scan
from organizations.tests.factories import AreaFactory, SocialOrganizationFactory
from ui.formatting import format_change
from xian_partybuild import clock

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
    # Their district's row, then its rows by sub-district (none recorded here: 未填街道).
    response = login(beilin_user).get(OVERVIEW)
    assert _keys(response) == ["610103", "610103:none"]
    # Another district's breakdown is not theirs to open.
    assert login(beilin_user).get(OVERVIEW + "?within=610113").status_code == 404


@pytest.fixture
def law_firm_in_beilin(recounted, beilin, justice):
    """A second law firm, in 碑林区 (G is in 雁塔区), recounted."""
    firm = SocialOrganizationFactory(name="碑林律所", area=beilin, supervising_unit=justice, formal_party_members=3)
    services.recount_run(period="2020H2")
    return firm


def _cells(response) -> dict[str, dict[str, str]]:
    """Each row's label → its cells as text, read from the page (zh-hans)."""
    table = response.context["table"]
    return {
        str(row.get_cell_value("label")): {column.name: str(row.get_cell(column.name)) for column in table.columns}
        for row in table.rows
    }


def test_industry_user_sees_its_unit_broken_down_by_district(login, lawyers_user, justice, law_firm_in_beilin):
    response = login(lawyers_user).get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="zh-hans")
    # Its unit's total first, then the districts its organisations are registered in, in the city's order.
    assert _keys(response) == [str(justice.pk), f"{justice.pk}:610103", f"{justice.pk}:610113"]
    rows = [row.record for row in response.context["table"].rows]
    total, beilin_row, yanta_row = rows
    assert (total.organizations, beilin_row.organizations, yanta_row.organizations) == (2, 1, 1)
    # The districts add up to the unit, figure by figure.
    for figure in ("organizations", "org_covered", "work_covered", "must_establish_not_established"):
        assert getattr(total, figure) == getattr(beilin_row, figure) + getattr(yanta_row, figure)
    page = response.content.decode()
    table = page[page.index("<table") :]
    # The first column says what the rows are.
    assert table.index("<th") < table.index("区县") < table.index("</th>")
    assert "区域" not in table[: table.index("</thead>")]
    cells = _cells(response)
    assert set(cells) == {"西安市司法局（各区县合计）", "碑林区", "雁塔区"}
    # The unit's ledger is on the unit's row; a district row has none of its own.
    assert cells["碑林区"]["ledger_status"] == "—"
    assert cells["西安市司法局（各区县合计）"]["ledger_status"] == "未报送"


def test_a_district_figure_of_the_unit_opens_exactly_its_organisations(
    login, lawyers_user, justice, law_firm_in_beilin
):
    client = login(lawyers_user)
    response = client.get(OVERVIEW)
    row = next(r for r in response.context["table"].rows if r.record.scope_key == f"{justice.pk}:610103")
    link = str(row.get_cell("organizations"))
    url = link.split('href="')[1].split('"')[0].replace("&amp;", "&")
    listed = client.get(url + "&per_page=100")
    assert {r.record.name for r in listed.context["table"].page.object_list} == {law_firm_in_beilin.name}
    assert f'data-count="{row.record.organizations}"' in link


def test_industry_user_by_unit_sees_its_unit_row_headed_supervising_unit(login, lawyers_user, justice, recounted):
    response = login(lawyers_user).get(OVERVIEW + "?by=unit", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert _keys(response) == [str(justice.pk)]
    assert response.context["table"].columns["label"].header == "业务主管单位"


def test_staff_overview_heads_its_rows_by_what_they_are(login, staff_user, recounted):
    client = login(staff_user)
    by_area = client.get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="zh-hans").context["table"]
    by_unit = client.get(OVERVIEW + "?by=unit", HTTP_ACCEPT_LANGUAGE="zh-hans").context["table"]
    assert (by_area.columns["label"].header, by_unit.columns["label"].header) == ("区县", "业务主管单位")


def test_overview_without_a_recount_says_why_it_is_empty(login, staff_user, dataset):
    page = login(staff_user).get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "尚未排查任何半年度，暂无数字可显示。" in page


def test_period_can_be_chosen(login, staff_user, recounted):
    response = login(staff_user).get(OVERVIEW + "?period=2020H1")
    assert response.context["period"].code == "2020H1"
    beilin = next(r.record for r in response.context["table"].rows if r.record.scope_key == "610103")
    assert beilin.work_covered == 5  # E's instructor still counted on 30 June


def test_export_is_scoped(login, yanta_user, recounted):
    response = login(yanta_user).get(OVERVIEW + "?_export=csv")
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    lines = [line for line in text.splitlines()[1:] if line]
    # 雁塔区's total, then its sub-districts (none recorded here); nothing of 碑林区.
    assert [line.split(",")[0] for line in lines] == ["雁塔区（全部街道）", "未填街道"]
    assert "碑林" not in text


def test_overview_query_count_is_fixed(login, staff_user, recounted, beilin, django_assert_num_queries):
    # session, user, the half-years (the selector's and the one shown), the
    # latest recount run, the rows with their warnings (from the dashboard's
    # tally), ledger status and previous figures
    client = login(staff_user)
    with django_assert_num_queries(5):
        client.get(OVERVIEW)
    SocialOrganizationFactory.create_batch(40, area=beilin, formal_party_members=4)
    for n in range(5):
        AreaFactory(code=f"Z{n}", name=f"新区{n}", parent=beilin.parent, level="zone")
    services.recount_run(period="2020H2")
    warning_scan(today=dt.date(2020, 12, 31))
    with django_assert_num_queries(5):
        response = client.get(OVERVIEW)
    assert len(_keys(response)) == 8


def test_area_page_shows_trend_and_organisations_needing_attention(login, beilin_user, recounted, beilin):
    response = login(beilin_user).get(reverse("coverage:area-detail", args=["610103"]))
    assert [s.period.code for s in response.context["trend"]] == ["2020H1", "2020H2"]
    names = {row.record.name for row in response.context["table"].rows}
    # E and F are uncovered; C must establish and has not.
    assert names == {"C 服务中心", "E 协会", "F 协会"}


def test_area_page_query_count_is_fixed(login, staff_user, recounted, beilin, django_assert_num_queries):
    # session, user, the area, its subtree's ids, the count and the page of
    # organisations needing attention, the trend
    client = login(staff_user)
    url = reverse("coverage:area-detail", args=["610103"])
    with django_assert_num_queries(7):
        client.get(url)
    SocialOrganizationFactory.create_batch(30, area=beilin, formal_party_members=4)
    services.recount_run(period="2020H1")
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.context["table"].paginator.count == 3 + 30  # C, E, F and the thirty without a branch


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


def test_the_recount_address_opened_in_a_browser_leads_to_the_overview(login, staff_user, beilin_user, recounted):
    url = reverse("coverage:recount")
    runs = RecountRun.objects.count()
    response = login(staff_user).get(url)
    assert response.status_code == 302 and response.url == OVERVIEW
    assert RecountRun.objects.count() == runs
    assert login(beilin_user).get(url).status_code == 403


# The recount box: what it does, and its progress ----------------------------


def _status(client, run):
    response = client.get(reverse("coverage:recount-status", args=[run.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


@override_settings(CLOCK_TODAY="2020-12-31")
def test_the_recount_box_says_what_it_will_do(login, staff_user, recounted):
    page = login(staff_user).get(OVERVIEW).content.decode()
    assert "按所选半年度最后一天（6月30日或12月31日）的记录重新统计" in page
    assert "已验收台账的数字保持冻结" in page and "其他半年度的数字一概不变" in page
    assert "仅当所选为本半年度（2020H2）时，排查完成后随即进行防瘫预警扫描" in page
    assert 'src="/static/js/recount.js"' in page
    # The half-years it offers, newest first, the page's own selected; none in the future.
    response = login(staff_user).get(OVERVIEW + "?period=2020H1")
    assert response.context["recount_choices"] == ["2020H2", "2020H1"]
    assert '<option value="2020H1" selected>2020H1</option>' in response.content.decode()


def test_the_recount_box_is_for_city_staff_only(login, beilin_user, leader_user, lawyers_user, recounted):
    run = services.recount_run(period="2020H2")
    for user in (beilin_user, leader_user, lawyers_user):
        client = login(user)
        page = client.get(OVERVIEW).content.decode()
        assert "recount-box" not in page and "recount.js" not in page
        assert client.get(reverse("coverage:recount-status", args=[run.pk])).status_code == 403


def test_pressing_recount_queues_a_run_and_the_status_follows_it(
    login, staff_user, recounted, django_capture_on_commit_callbacks
):
    client = login(staff_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("coverage:recount"), {"period": "2020H1"})
        # Back on the page at once, with a queued run: nothing has run yet.
        assert response.status_code == 302 and response.url == OVERVIEW + "?period=2020H1"
        run = RecountRun.objects.order_by("-pk").first()
        assert run.status == RecountRun.Status.QUEUED and run.triggered_by == staff_user
        queued = _status(client, run)
        assert (queued["status"], queued["done"], queued["figures"]) == ("queued", False, None)
        assert "2020H1 的重新排查已于" in queued["text"]
        page = client.get(OVERVIEW + "?period=2020H1").content.decode()
        assert 'data-job-state="queued"' in page and "刷新查看进度" in page
        assert "2020H1 的重新排查已排队，进度见下方。" in page
    # The task, queued at the commit; once it had succeeded it queued the leadership notices.
    assert [callback.task_name for callback in callbacks] == [
        "coverage.tasks.recount",
        "dashboard.tasks.recount_notices",
    ]
    done = _status(client, run)
    assert (done["status"], done["label"], done["done"]) == ("succeeded", "成功", True)
    assert done["figures"] == {
        "organizations": 7,
        "party_organizations": 3,
        "org_coverage_rate": "42.9%",
        "work_coverage_rate": "71.4%",
        "snapshot_count": RecountRun.objects.get(pk=run.pk).snapshot_count,
        "frozen_kept": 0,
    }
    assert "2020H1 重新排查完成" in done["text"] and "社会组织 7 个，党组织 3 个，组织覆盖率 42.9%" in done["text"]
    # A past half-year: no warning scan follows.
    assert "防瘫预警" not in done["text"]
    page = client.get(OVERVIEW + "?period=2020H1").content.decode()
    assert 'data-job-state="succeeded"' in page and "工作覆盖率 71.4%" in page


def test_a_failed_run_shows_its_reason(login, staff_user, recounted, monkeypatch, django_capture_on_commit_callbacks):
    def explode(on):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(compute, "compute", explode)
    client = login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("coverage:recount"), {"period": "2020H2"}).status_code == 302
    run = RecountRun.objects.order_by("-pk").first()
    status = _status(client, run)
    assert (status["status"], status["done"], status["error"]) == ("failed", True, "RuntimeError: 磁盘已满")
    assert status["text"].startswith("2020H2 重新排查失败")
    assert status["text"].endswith("原有数字保持不变。原因：RuntimeError: 磁盘已满")
    page = client.get(OVERVIEW).content.decode()
    assert 'data-job-state="failed"' in page and "磁盘已满" in page
    # The last good figures are still there.
    assert Snapshot.objects.get(period__year=2020, period__half=2, scope="city").organizations == 7


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_a_failure_is_a_message_not_an_error_page(login, staff_user, recounted, monkeypatch):
    # No test transaction: the task runs in-process inside the request, as under `make run`.
    def explode(on):
        raise RuntimeError("database went away")

    monkeypatch.setattr(compute, "compute", explode)
    response = login(staff_user).post(reverse("coverage:recount"), {"period": "2020H2"}, follow=True)
    assert response.status_code == 200
    assert "2020H2 重新排查失败，原有数字保持不变。" in [str(m) for m in response.context["messages"]]
    assert response.context["recount_status"]["status"] == "failed"


@pytest.mark.parametrize("status", [RecountRun.Status.QUEUED, RecountRun.Status.RUNNING])
def test_a_recount_already_under_way_gives_a_clear_message(login, staff_user, recounted, status):
    RecountRun.objects.create(period=services.period_get(period="2020H2"), status=status)
    before = RecountRun.objects.count()
    response = login(staff_user).post(reverse("coverage:recount"), {"period": "2020H2"}, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["2020H2 的重新排查已在排队或进行中，进度见下方；请待其完成后再发起。"]
    assert RecountRun.objects.count() == before


def test_a_stale_queued_run_blocks_nothing(login, staff_user, recounted, django_capture_on_commit_callbacks):
    lost = RecountRun.objects.create(period=services.period_get(period="2020H2"), status=RecountRun.Status.QUEUED)
    RecountRun.objects.filter(pk=lost.pk).update(started_at=clock.now() - services.STALE_AFTER * 2)
    with django_capture_on_commit_callbacks(execute=True):
        login(staff_user).post(reverse("coverage:recount"), {"period": "2020H2"})
    lost.refresh_from_db()
    assert lost.status == RecountRun.Status.FAILED and "no worker" in lost.error
    assert RecountRun.objects.order_by("-pk").first().status == RecountRun.Status.SUCCEEDED


@override_settings(CLOCK_TODAY="2020-12-31")
def test_a_half_year_that_has_not_begun_cannot_be_recounted(login, staff_user, recounted):
    response = login(staff_user).post(reverse("coverage:recount"), {"period": "2021H1"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["2021H1 尚未开始，只能重新排查已经开始的半年度。"]
    assert not Period.objects.filter(year=2021).exists()
    assert login(staff_user).post(reverse("coverage:recount"), {"period": "nonsense"}).status_code == 404


@override_settings(CLOCK_TODAY="2020-12-31")
def test_recounting_the_current_half_year_says_the_warning_scan_follows(
    login, staff_user, recounted, django_capture_on_commit_callbacks
):
    client = login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("coverage:recount"), {"period": "2020H2"})
    status = _status(client, RecountRun.objects.order_by("-pk").first())
    assert status["status"] == "succeeded" and status["text"].endswith(
        # One row more than the scopes above it: the justice bureau's organisations in 雁塔区 (by district);
        # and each of the two districts' organisations by sub-district, none recorded here (未填街道).
        "写入快照 17 条。随后进行截至 2020年12月31日 的防瘫预警扫描。"
    )


def test_the_status_of_an_unknown_run_is_404(login, staff_user, recounted):
    assert login(staff_user).get(reverse("coverage:recount-status", args=[999999])).status_code == 404


def test_the_run_guard_still_refuses_a_second_running_run(staff_user, recounted):
    period = services.period_get(period="2020H2")
    RecountRun.objects.create(period=period, status=RecountRun.Status.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        RecountRun.objects.create(period=period, status=RecountRun.Status.RUNNING)


def test_overview_rows_show_their_change_since_the_previous_half_year(login, staff_user, recounted, beilin):
    # A four-member organisation registered in September: one more 应建未建 in 2020H2.
    SocialOrganizationFactory(area=beilin, formal_party_members=4, registered_on=dt.date(2020, 9, 1))
    services.recount_run(period="2020H2")
    rows = {
        s.period.code: s
        for s in Snapshot.objects.filter(scope=Snapshot.Scope.AREA, area=beilin).select_related("period")
    }
    grown = rows["2020H2"].must_establish_not_established - rows["2020H1"].must_establish_not_established
    points = format_change(rows["2020H2"].org_coverage_rate - rows["2020H1"].org_coverage_rate, points=True)
    response = login(staff_user).get(reverse("coverage:overview") + "?period=2020H2")
    table = response.context["table"]
    beilin_row = next(row for row in table.rows if row.record.area_id == beilin.pk)
    shown = beilin_row.get_cell("change")
    assert f"应建未建 {format_change(grown)}" in shown and grown == 1
    assert f"组织覆盖 {points}" in shown
    # 2020H1 has no recounted half-year before it: no change is shown, not a made-up one.
    response = login(staff_user).get(reverse("coverage:overview") + "?period=2020H1")
    assert all(row.get_cell("change") == "—" for row in response.context["table"].rows)
