"""The landing page at the site's root, outside the dashboard namespace
(`reverse("home")`), included by name so the project URLconf imports no app."""

from django.urls import path

from .views import DashboardView

urlpatterns = [path("", DashboardView.as_view(), name="home")]
