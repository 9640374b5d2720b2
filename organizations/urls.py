from django.urls import include, path

from . import autocomplete, views

app_name = "organizations"

urlpatterns = [
    path("", views.OrganizationListView.as_view(), name="organization-list"),
    path("instructors/", include("organizations.instructors.urls")),
    path("new/", views.OrganizationCreateView.as_view(), name="organization-create"),
    path("<int:pk>/", views.OrganizationDetailView.as_view(), name="organization-detail"),
    path("<int:pk>/edit/", views.OrganizationUpdateView.as_view(), name="organization-update"),
    path("party/", views.PartyOrganizationListView.as_view(), name="party-organization-list"),
    path("party/new/", views.PartyOrganizationCreateView.as_view(), name="party-organization-create"),
    path("party/<int:pk>/", views.PartyOrganizationDetailView.as_view(), name="party-organization-detail"),
    path("party/<int:pk>/edit/", views.PartyOrganizationUpdateView.as_view(), name="party-organization-update"),
    path(
        "autocomplete/organizations/",
        autocomplete.OrganizationAutocomplete.as_view(),
        name="autocomplete-organizations",
    ),
    path(
        "autocomplete/parent-party-organizations/",
        autocomplete.ParentPartyOrganizationAutocomplete.as_view(),
        name="autocomplete-parent-party-organizations",
    ),
    path(
        "autocomplete/locations/",
        autocomplete.LocationAutocomplete.as_view(),
        name="autocomplete-locations",
    ),
]
