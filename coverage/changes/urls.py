"""Included at /coverage/changes/ in the "coverage" namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.ChangesView.as_view(), name="changes"),
]
