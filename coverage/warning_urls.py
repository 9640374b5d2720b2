# Included under /coverage/warnings/ in the "coverage" namespace.
from django.urls import path

from . import warning_views

urlpatterns = [
    path("", warning_views.WarningListView.as_view(), name="warning-list"),
    path("<int:pk>/", warning_views.WarningDetailView.as_view(), name="warning-detail"),
    path("<int:pk>/rectify/", warning_views.WarningRectifyView.as_view(), name="warning-rectify"),
]
