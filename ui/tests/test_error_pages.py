"""Error pages speak the app's language in its own layout: a refused action,
an unknown or out-of-scope URL, a form without its CSRF token and a server
error each get a Chinese page with the way back to 总览, never Django's bare
English one."""

import pytest
from django.test import Client, override_settings
from django.urls import include, path, reverse


def _boom(request):
    raise RuntimeError("deliberate failure for the 500 page test")


# The project's URLs plus one view that fails, used only by the 500 test.
urlpatterns = [
    path("boom/", _boom),
    path("", include("xian_partybuild.urls")),
]


def _text(response) -> str:
    return response.content.decode()


def test_refused_action_gives_the_apps_403_page(login, beilin_user, recounted):
    # beilin sees the recount page's district but may not start a city recount.
    response = login(beilin_user).post(
        reverse("coverage:recount"), {"period": "2020H2"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 403
    page = _text(response)
    assert "无权访问" in page and "返回总览" in page
    assert 'class="mainnav"' in page  # the navigation of a signed-in user
    assert "403 Forbidden" not in page


def test_another_districts_record_gives_the_apps_404_page(login, beilin_user, dataset):
    # yanta's organisation is outside beilin's scope: answered like a record that does not exist.
    client = login(beilin_user)
    for url in (
        reverse("organizations:organization-detail", args=[dataset.g.pk]),
        reverse("organizations:organization-update", args=[dataset.g.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        page = _text(response)
        assert "页面不存在" in page and "返回总览" in page and 'class="mainnav"' in page
        assert dataset.g.name not in page


def test_unknown_url_gives_the_apps_404_page(login, beilin_user):
    response = login(beilin_user).get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in _text(response) and "Not Found" not in _text(response)


def test_post_without_csrf_token_gives_the_apps_csrf_page(beilin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(beilin_user)
    response = client.post(reverse("coverage:recount"), {"period": "2020H2"})
    assert response.status_code == 403
    page = _text(response)
    assert "表单已失效" in page and "返回总览" in page
    assert "CSRF verification failed" not in page


def test_csrf_page_keeps_the_signed_in_users_layout_and_navigation(beilin_user):
    # Django's own CSRF view renders without the request: no header, no menu.
    client = Client(enforce_csrf_checks=True)
    client.force_login(beilin_user)
    response = client.post(reverse("coverage:recount"), {"period": "2020H2"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    assert response.templates[0].name == "403_csrf.html"
    page = _text(response)
    assert 'class="mainnav"' in page and 'class="who"' in page
    assert '<html lang="zh-hans"' in page and "表单已失效" in page
    assert "Forbidden" not in page and "CSRF" not in page


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
@pytest.mark.django_db
def test_server_error_page_renders_without_the_request_or_database(django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get("/boom/")
    assert response.status_code == 500
    page = _text(response)
    assert "服务器错误" in page and "返回总览" in page and "app.css" in page
    assert "Server Error (500)" not in page
