from django.urls import include, path

from . import views

app_name = "coverage"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("areas/<str:code>/", views.AreaDetailView.as_view(), name="area-detail"),
    path("recount/", views.RecountView.as_view(), name="recount"),
    path("warnings/", include("coverage.warning_urls")),
    path("ledgers/", include("coverage.ledger_urls")),
]
