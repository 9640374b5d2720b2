"""Boundary files: reading an uploaded GeoJSON into the shapes the map
draws, and drawing them as SVG paths.

A file is read once, when an administrator uploads it: its features are
matched to areas by a code property, and only those polygons are kept, so
the map page reads one row and draws at most MAX_POINTS points."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_POINTS = 50_000
CODE_PROPERTIES = ("code", "adcode", "area_code")
VIEW_WIDTH = 1000


def _rings(geometry: dict) -> list[list[list[list[float]]]]:
    """A Polygon's or MultiPolygon's polygons, each a list of rings of [lon, lat]."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind == "Polygon":
        polygons = [geometry.get("coordinates")]
    elif kind == "MultiPolygon":
        polygons = geometry.get("coordinates")
    else:
        raise ValidationError(_("Every feature must be a Polygon or a MultiPolygon."), code="geometry")
    try:
        return [[[[float(x), float(y)] for x, y, *_rest in ring] for ring in polygon] for polygon in polygons]
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("A feature's coordinates are not pairs of numbers."), code="coordinates") from exc


def read_geojson(content: bytes, area_codes: set[str]) -> dict[str, list]:
    """{area code: polygons} from a GeoJSON FeatureCollection whose features
    carry an area's code (property code, adcode or area_code). Raises
    ValidationError for a file that is not one, or names none of the areas."""
    if len(content) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB; simplify the boundaries first."), code="size")
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(_("The file is not GeoJSON (JSON text)."), code="json") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValidationError(_("The file must be a GeoJSON FeatureCollection."), code="collection")
    shapes: dict[str, list] = {}
    points = 0
    for feature in data.get("features") or []:
        properties = (feature or {}).get("properties") or {}
        code = next((str(properties[key]) for key in CODE_PROPERTIES if properties.get(key) is not None), None)
        if code not in area_codes:
            continue
        polygons = _rings(feature.get("geometry"))
        points += sum(len(ring) for polygon in polygons for ring in polygon)
        if points > MAX_POINTS:
            raise ValidationError(
                _("The boundaries have more than %(max)s points; simplify them first.") % {"max": MAX_POINTS},
                code="points",
            )
        shapes.setdefault(code, []).extend(polygons)
    if not shapes:
        raise ValidationError(
            _("No feature names a district, county or zone by its code (property code, adcode or area_code)."),
            code="no_match",
        )
    return shapes


@dataclass
class Drawing:
    width: int
    height: int
    paths: dict[str, str]  # area code -> SVG path data
    centres: dict[str, tuple[float, float]]


def draw(shapes: dict[str, list]) -> Drawing:
    """SVG path data for each area: longitude and latitude projected
    equirectangularly about the middle latitude (fine at a city's scale), north up."""
    points = [pt for polygons in shapes.values() for polygon in polygons for ring in polygon for pt in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((north + south) / 2))
    span_x, span_y = max((east - west) * squeeze, 1e-9), max(north - south, 1e-9)
    scale = VIEW_WIDTH / span_x
    height = max(1, round(span_y * scale))

    def xy(point) -> tuple[float, float]:
        return (point[0] - west) * squeeze * scale, (north - point[1]) * scale

    paths, centres = {}, {}
    for code, polygons in shapes.items():
        parts, xs, ys = [], [], []
        for polygon in polygons:
            for ring in polygon:
                projected = [xy(pt) for pt in ring]
                xs += [x for x, _y in projected]
                ys += [y for _x, y in projected]
                parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in projected) + " Z")
        paths[code] = " ".join(parts)
        centres[code] = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    return Drawing(VIEW_WIDTH, height, paths, centres)
