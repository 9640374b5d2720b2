from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.lockout import LoginView
from accounts.views import PasswordChangeView, SecondFactorEnrolView, SecondFactorStatusView, SecondFactorVerifyView
from operations.health import healthz

urlpatterns = [
    path("", include("dashboard.home_urls")),
    path("dashboard/", include("dashboard.urls")),
    path("login/", LoginView.as_view(), name="login"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("two-factor/", SecondFactorStatusView.as_view(), name="two_factor"),
    path("two-factor/enrol/", SecondFactorEnrolView.as_view(), name="two_factor_enrol"),
    path("two-factor/verify/", SecondFactorVerifyView.as_view(), name="two_factor_verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("organizations/", include("organizations.urls")),
    path("coverage/", include("coverage.urls")),
    path("political/", include("political.urls")),
    path("ratings/", include("ratings.urls")),
    path("engagement/", include("engagement.urls")),
    path("brands/", include("brands.urls")),
    path("community/", include("community.urls")),
    path("exports/", include("exports.urls")),
    path("audit/", include("audit.urls")),
    path("notices/", include("notices.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
