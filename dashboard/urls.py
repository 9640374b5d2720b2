from django.urls import path

from . import charts
from .leadership.urls import urlpatterns as leadership_urls

app_name = "dashboard"

urlpatterns = [
    path("charts/coverage-by-area.json", charts.CoverageByAreaChart.as_view(), name="chart-coverage-by-area"),
    path("charts/coverage-trend.json", charts.CoverageTrendChart.as_view(), name="chart-coverage-trend"),
    path("charts/warnings.json", charts.WarningsChart.as_view(), name="chart-warnings"),
    path("charts/stars-by-round.json", charts.StarsByRoundChart.as_view(), name="chart-stars-by-round"),
    path("charts/contributions.json", charts.ContributionsChart.as_view(), name="chart-contributions"),
]
urlpatterns += leadership_urls
