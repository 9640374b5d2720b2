from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    name = "ui"
    verbose_name = _("Shared page parts")

    def ready(self) -> None:
        from ui import signatures  # noqa: PLC0415 (django_tables2 is importable only once apps load)

        signatures.install()

        from django.db.backends.signals import connection_created  # noqa: PLC0415

        from ui import data_version  # noqa: PLC0415

        # Every connection of every process watches its writes for the data version.
        connection_created.connect(data_version.install, dispatch_uid="ui.data_version")
