from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.lockout import LoginView
from accounts.views import PasswordChangeView
from operations.health import healthz

urlpatterns = [
    path("", include("dashboard.home_urls")),
    path("dashboard/", include("dashboard.urls")),
    path("login/", LoginView.as_view(), name="login"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("organizations/", include("organizations.urls")),
    path("coverage/", include("coverage.urls")),
    path("ratings/", include("ratings.urls")),
    path("engagement/", include("engagement.urls")),
    path("exports/", include("exports.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
