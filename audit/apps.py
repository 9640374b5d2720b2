from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Security audit")

    def ready(self) -> None:
        # Connect the login, lock-out, save and admin receivers, and register
        # the retention task, in every process (web, worker, beat, shell).
        from . import receivers, tasks  # noqa: F401, PLC0415 (apps are not ready at import time)
