from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        # The unread count kept on the session from login on, and the daily task
        # registered in every process (web, worker, beat, shell).
        from . import inbox, tasks  # noqa: F401, PLC0415 (apps are not ready at import time)
