from django.urls import path

from . import autocomplete, views

app_name = "engagement"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("bases/", views.TrainingBaseListView.as_view(), name="base-list"),
    path("bases/new/", views.TrainingBaseCreateView.as_view(), name="base-create"),
    path("bases/<int:pk>/", views.TrainingBaseDetailView.as_view(), name="base-detail"),
    path("bases/<int:pk>/edit/", views.TrainingBaseUpdateView.as_view(), name="base-update"),
    path("sessions/", views.TrainingSessionListView.as_view(), name="session-list"),
    path("sessions/new/", views.TrainingSessionCreateView.as_view(), name="session-create"),
    path("sessions/<int:pk>/edit/", views.TrainingSessionUpdateView.as_view(), name="session-update"),
    path("pilots/", views.PilotCommunityListView.as_view(), name="pilot-list"),
    path("pilots/new/", views.PilotCommunityCreateView.as_view(), name="pilot-create"),
    path("pilots/<int:pk>/", views.PilotCommunityDetailView.as_view(), name="pilot-detail"),
    path("pilots/<int:pk>/edit/", views.PilotCommunityUpdateView.as_view(), name="pilot-update"),
    path("pilot-organisations/", views.PilotAssignmentListView.as_view(), name="assignment-list"),
    path("pilot-organisations/new/", views.PilotAssignmentCreateView.as_view(), name="assignment-create"),
    path("pilot-organisations/<int:pk>/edit/", views.PilotAssignmentUpdateView.as_view(), name="assignment-update"),
    path("plaques/", views.PlaqueAwardListView.as_view(), name="plaque-list"),
    path("plaques/new/", views.PlaqueAwardCreateView.as_view(), name="plaque-create"),
    path("plaques/<int:pk>/", views.PlaqueAwardDetailView.as_view(), name="plaque-detail"),
    path("plaques/<int:pk>/edit/", views.PlaqueAwardUpdateView.as_view(), name="plaque-update"),
    path("contributions/", views.ContributionListView.as_view(), name="contribution-list"),
    path("contributions/new/", views.ContributionCreateView.as_view(), name="contribution-create"),
    path("contributions/<int:pk>/", views.ContributionDetailView.as_view(), name="contribution-detail"),
    path("contributions/<int:pk>/edit/", views.ContributionUpdateView.as_view(), name="contribution-update"),
    path("autocomplete/communities/", autocomplete.CommunityAutocomplete.as_view(), name="autocomplete-communities"),
    path(
        "autocomplete/assignable-pilots/",
        autocomplete.AssignablePilotAutocomplete.as_view(),
        name="autocomplete-assignable-pilots",
    ),
    path(
        "autocomplete/plaque-pilots/", autocomplete.PlaquePilotAutocomplete.as_view(), name="autocomplete-plaque-pilots"
    ),
]
