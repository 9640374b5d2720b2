from django.urls import path

from . import autocomplete, views

app_name = "brands"

urlpatterns = [
    path("", views.BrandListView.as_view(), name="brand-list"),
    path("new/", views.BrandCreateView.as_view(), name="brand-create"),
    path("<int:pk>/", views.BrandDetailView.as_view(), name="brand-detail"),
    path("<int:pk>/edit/", views.BrandUpdateView.as_view(), name="brand-update"),
    path("<int:pk>/delete/", views.BrandDeleteView.as_view(), name="brand-delete"),
    path(
        "autocomplete/party-organisations/",
        autocomplete.BrandPartyOrganizationAutocomplete.as_view(),
        name="autocomplete-party-organizations",
    ),
]
