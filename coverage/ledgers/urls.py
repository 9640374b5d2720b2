"""Ledger pages, included under /coverage/ledgers/ in the coverage namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.LedgerListView.as_view(), name="ledger-list"),
    path("submit/", views.LedgerSubmitView.as_view(), name="ledger-submit"),
    path("<int:pk>/", views.LedgerReviewView.as_view(), name="ledger-review"),
    path("import/", views.LedgerImportView.as_view(), name="ledger-import"),
    path("import/template/", views.LedgerImportTemplateView.as_view(), name="ledger-import-template"),
    path("import/<int:pk>/", views.LedgerImportPreviewView.as_view(), name="ledger-import-preview"),
    path("import/<int:pk>/status/", views.LedgerImportStatusView.as_view(), name="ledger-import-status"),
]
