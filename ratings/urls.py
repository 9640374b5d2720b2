from django.urls import path

from .views import autocomplete, evaluations, pairings, reviews, rounds

app_name = "ratings"

urlpatterns = [
    path("", evaluations.EvaluationListView.as_view(), name="evaluation-list"),
    path("review/", reviews.EvaluationBulkReviewView.as_view(), name="evaluation-bulk-review"),
    path("<int:pk>/", evaluations.EvaluationDetailView.as_view(), name="evaluation-detail"),
    path("<int:pk>/scores/", evaluations.EvaluationScoresView.as_view(), name="evaluation-scores"),
    path("<int:pk>/<slug:action>/", evaluations.EvaluationTransitionView.as_view(), name="evaluation-transition"),
    path("rounds/", rounds.RoundListView.as_view(), name="round-list"),
    path("rounds/new/", rounds.RoundCreateView.as_view(), name="round-create"),
    path("rounds/<int:year>/", rounds.RoundSummaryView.as_view(), name="round-summary"),
    path("rounds/<int:year>/edit/", rounds.RoundUpdateView.as_view(), name="round-update"),
    path("rounds/<int:year>/entry/", rounds.RoundEntryView.as_view(), name="round-entry"),
    path("rounds/<int:year>/movers/", rounds.RoundMoversView.as_view(), name="round-movers"),
    path("pairings/", pairings.PairingListView.as_view(), name="pairing-list"),
    path("pairings/new/", pairings.PairingCreateView.as_view(), name="pairing-create"),
    path("pairings/<int:pk>/", pairings.PairingDetailView.as_view(), name="pairing-detail"),
    path("pairings/<int:pk>/edit/", pairings.PairingUpdateView.as_view(), name="pairing-update"),
    path(
        "autocomplete/pairing-partners/",
        autocomplete.PairingPartnerAutocomplete.as_view(),
        name="autocomplete-pairing-partners",
    ),
    path(
        "autocomplete/pairing-candidates/",
        autocomplete.PairingCandidateAutocomplete.as_view(),
        name="autocomplete-pairing-candidates",
    ),
]
