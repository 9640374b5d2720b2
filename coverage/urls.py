"""One URL namespace, "coverage", over the three parts."""

from django.urls import include, path

app_name = "coverage"

urlpatterns = [
    path("", include("coverage.recount.urls")),
    path("warnings/", include("coverage.warnings.urls")),
    path("ledgers/", include("coverage.ledgers.urls")),
    path("changes/", include("coverage.changes.urls")),
]
