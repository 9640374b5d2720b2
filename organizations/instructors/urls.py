"""Included at /organizations/instructors/ in the organizations namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.AssignmentListView.as_view(), name="instructor-list"),
    path("workload/", views.WorkloadView.as_view(), name="instructor-workload"),
    path("assign/", views.AssignView.as_view(), name="instructor-assign"),
    path("<int:pk>/", views.AssignmentDetailView.as_view(), name="instructor-detail"),
    path("<int:pk>/end/", views.AssignmentEndView.as_view(), name="instructor-end"),
    path("<int:pk>/hand-over/", views.AssignmentHandOverView.as_view(), name="instructor-hand-over"),
]
