from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("", views.ExportJobListView.as_view(), name="job-list"),
    path("<uuid:pk>/", views.ExportJobDetailView.as_view(), name="job-detail"),
    path("<uuid:pk>/status.json", views.ExportJobStatusView.as_view(), name="job-status"),
    path("<uuid:pk>/download/", views.ExportJobDownloadView.as_view(), name="job-download"),
]
