from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and scopes")

    def ready(self) -> None:
        from . import sessions  # noqa: F401, PLC0415 (connects the login signal once apps are loaded)
