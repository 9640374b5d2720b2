from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = _("Exports")

    def ready(self) -> None:
        # Register the tasks in every process (web, worker, beat, shell), so
        # that services can queue them by name through xian_partybuild.celery.enqueue.
        from . import tasks  # noqa: F401, PLC0415 (apps are not ready at import time)
