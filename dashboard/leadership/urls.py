"""Leadership routes, appended to the dashboard's URLconf (dashboard namespace)."""

from django.urls import path

from . import charts, views

urlpatterns = [
    path("districts/", views.LeagueView.as_view(), name="league"),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("briefing/", views.BriefingView.as_view(), name="briefing"),
    path("map/", views.TileMapView.as_view(), name="map"),
    path("charts/stars-by-area.json", charts.StarsByAreaChart.as_view(), name="chart-stars-by-area"),
]
