from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        # Connect the signals that keep the tallies true, and register the
        # tasks in every process (web, worker, beat, shell).
        from . import signals, tasks  # noqa: F401, PLC0415 (apps are not ready at import time)

        post_migrate.connect(signals.tallies_after_migrate, sender=self, dispatch_uid="tallies_after_migrate")
