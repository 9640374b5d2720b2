"""Notice pages under /notices/."""

from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("read-all/", views.ReadAllView.as_view(), name="read-all"),
    path("settings/", views.MuteView.as_view(), name="settings"),
    path("<int:pk>/", views.NoticeOpenView.as_view(), name="open"),
]
