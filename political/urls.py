from django.urls import path

from . import views

app_name = "political"

urlpatterns = [
    path("", views.PoliticalListView.as_view(), name="list"),
    path("<int:pk>/edit/", views.PoliticalBuildingUpdateView.as_view(), name="update"),
]
