from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("districts/", views.DistrictView.as_view(), name="district"),
    path("pilots/<int:pk>/", views.PilotPageView.as_view(), name="pilot-page"),
    path("needs/", views.NeedListView.as_view(), name="need-list"),
    path("needs/new/", views.NeedCreateView.as_view(), name="need-create"),
    path("needs/<int:pk>/", views.NeedDetailView.as_view(), name="need-detail"),
    path("needs/<int:pk>/edit/", views.NeedUpdateView.as_view(), name="need-update"),
    path("services/", views.ServiceItemListView.as_view(), name="service-list"),
    path("services/new/", views.ServiceItemCreateView.as_view(), name="service-create"),
    path("services/<int:pk>/", views.ServiceItemDetailView.as_view(), name="service-detail"),
    path("services/<int:pk>/edit/", views.ServiceItemUpdateView.as_view(), name="service-update"),
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/new/", views.ProjectCreateView.as_view(), name="project-create"),
    path("projects/<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="project-update"),
    path("incubated/", views.IncubatedOrganizationListView.as_view(), name="incubated-list"),
    path("incubated/new/", views.IncubatedOrganizationCreateView.as_view(), name="incubated-create"),
    path("incubated/<int:pk>/edit/", views.IncubatedOrganizationUpdateView.as_view(), name="incubated-update"),
]
