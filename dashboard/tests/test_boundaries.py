"""An administrator's boundary file (GeoJSON) drawn on the map instead of tiles."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from coverage.recount.services import recount_run
from dashboard.leadership.boundaries import draw, read_geojson
from dashboard.leadership.models import BoundaryFile
from dashboard.tests import test_figure_links
from organizations.models import Area
from organizations.tests.factories import AreaFactory, SocialOrganizationFactory

pytestmark = pytest.mark.django_db

MAP = reverse("dashboard:map")
history = test_figure_links.history


def _square(code, west, south, size=0.1, key="code"):
    ring = [[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]
    return {"type": "Feature", "properties": {key: code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def test_reading_keeps_the_named_areas_only():
    content = _collection(
        _square("610103", 108.9, 34.2), _square(610113, 108.9, 34.1, key="adcode"), _square("999999", 0, 0)
    )
    shapes = read_geojson(content, {"610103", "610113"})
    assert set(shapes) == {"610103", "610113"}
    drawing = draw(shapes)
    assert drawing.width == 1000 and set(drawing.paths) == {"610103", "610113"}
    # North up: Beilin (further north) is drawn above Yanta.
    assert drawing.centres["610103"][1] < drawing.centres["610113"][1]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"not json", "json"),
        (json.dumps({"type": "Feature"}).encode(), "collection"),
        (_collection({"type": "Feature", "properties": {"code": "610103"}, "geometry": {"type": "Point"}}), "geometry"),
        (_collection(_square("999999", 0, 0)), "no_match"),
        (b" " * (5 * 1024 * 1024 + 1), "size"),
    ],
)
def test_refused_files(content, code):
    with pytest.raises(ValidationError) as caught:
        read_geojson(content, {"610103"})
    assert caught.value.code == code


def test_admin_uploads_and_the_map_draws_it(client, staff_user, history, city, beilin, yanta):
    zone = AreaFactory(code="610199", name="某新区", parent=city, level=Area.Level.ZONE)
    SocialOrganizationFactory(area=zone)
    recount_run(period="2020H2")
    admin = UserFactory(username="admin", role=User.Role.STAFF, is_staff=True, is_superuser=True)
    client.force_login(admin)
    old = BoundaryFile.objects.create(name="old", source="x", uploaded_at="2020-01-01T00:00Z", shapes={"610103": []})
    upload = SimpleUploadedFile(
        "xian.geojson", _collection(_square("610103", 108.9, 34.2), _square("610113", 108.9, 34.1))
    )
    response = client.post(
        reverse("admin:dashboard_boundaryfile_add"),
        {"name": "西安区界（简化）", "source": "测试数据", "active": "on", "upload": upload},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    boundary = BoundaryFile.objects.get(active=True)
    assert boundary.feature_count == 2 and boundary.pk != old.pk
    client.force_login(staff_user)
    response = client.get(MAP + "?period=2020H2&figure=open_warnings")
    page = response.content.decode()
    assert page.count("<path ") == 2 and 'class="tilemap"' not in page
    league = {row.key: row for row in response.context["league"].rows}
    for tile in response.context["tiles"]:
        assert tile.value == league[tile.row.key].values["open_warnings"]
        assert f'fill="{tile.colour}"' in page
    # The zone the file does not draw is listed beside the map, coloured the same way.
    assert [tile.row.label for tile in response.context["unplaced"]] == ["某新区"]


def test_map_query_count_with_boundaries(login, staff_user, history, django_assert_num_queries):
    BoundaryFile.objects.create(
        name="b",
        source="x",
        uploaded_at="2020-01-01T00:00Z",
        shapes=read_geojson(_collection(_square("610103", 108.9, 34.2)), {"610103"}),
    )
    client = login(staff_user)
    with django_assert_num_queries(9):
        client.get(MAP + "?period=2020H2")
