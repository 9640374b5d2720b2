from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        # Connect the signals that keep the tallies true in every process.
        # (dashboard.tasks is found by Celery's autodiscovery: nothing queues
        # it by name in-process.)
        from . import signals  # noqa: F401, PLC0415 (apps are not ready at import time)
