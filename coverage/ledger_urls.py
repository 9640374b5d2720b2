# Owned by the ledger work; see coverage/ledger_views.py.
urlpatterns: list = []
