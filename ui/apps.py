from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    name = "ui"
    verbose_name = _("Shared page parts")

    def ready(self) -> None:
        from ui import signatures  # noqa: PLC0415 (django_tables2 is importable only once apps load)

        signatures.install()
