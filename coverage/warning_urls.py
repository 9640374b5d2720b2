# Owned by the early-warning work; see coverage/warning_views.py.
urlpatterns: list = []
