from django.urls import path

from . import views

app_name = "ratings"

urlpatterns = [
    path("", views.EvaluationListView.as_view(), name="evaluation-list"),
    path("<int:pk>/", views.EvaluationDetailView.as_view(), name="evaluation-detail"),
    path("<int:pk>/scores/", views.EvaluationScoresView.as_view(), name="evaluation-scores"),
    path("<int:pk>/<slug:action>/", views.EvaluationTransitionView.as_view(), name="evaluation-transition"),
    path("rounds/", views.RoundListView.as_view(), name="round-list"),
    path("rounds/new/", views.RoundCreateView.as_view(), name="round-create"),
    path("rounds/<int:year>/", views.RoundSummaryView.as_view(), name="round-summary"),
    path("rounds/<int:year>/edit/", views.RoundUpdateView.as_view(), name="round-update"),
    path("rounds/<int:year>/entry/", views.RoundEntryView.as_view(), name="round-entry"),
    path("rounds/<int:year>/movers/", views.RoundMoversView.as_view(), name="round-movers"),
    path("pairings/", views.PairingListView.as_view(), name="pairing-list"),
    path("pairings/new/", views.PairingCreateView.as_view(), name="pairing-create"),
    path("pairings/<int:pk>/", views.PairingDetailView.as_view(), name="pairing-detail"),
    path("pairings/<int:pk>/edit/", views.PairingUpdateView.as_view(), name="pairing-update"),
]
