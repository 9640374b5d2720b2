# Included under /coverage/warnings/ in the "coverage" namespace.
from django.urls import path

from . import views

urlpatterns = [
    path("", views.WarningListView.as_view(), name="warning-list"),
    path("<int:pk>/", views.WarningDetailView.as_view(), name="warning-detail"),
    path("<int:pk>/rectify/", views.WarningRectifyView.as_view(), name="warning-rectify"),
]
