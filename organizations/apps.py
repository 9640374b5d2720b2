from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        # Connect the signals that keep the stored coverage true, and register
        # the tasks in every process (web, worker, beat, shell).
        from . import signals, tasks  # noqa: F401, PLC0415 (apps are not ready at import time)
        from .instructors import signals as workload_signals  # noqa: F401, PLC0415 (the workload tally's)
