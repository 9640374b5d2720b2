from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        # Connect the signals that keep the tallies true, and register the
        # tasks in every process (web, worker, beat, shell).
        from . import signals, tasks  # noqa: F401, PLC0415 (apps are not ready at import time)
