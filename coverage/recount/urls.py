"""The overview, area pages and the recount button, included at /coverage/ in the coverage namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("areas/<str:code>/", views.AreaDetailView.as_view(), name="area-detail"),
    path("recount/", views.RecountView.as_view(), name="recount"),
    path("recount/runs/<int:pk>/", views.RecountStatusView.as_view(), name="recount-status"),
]
