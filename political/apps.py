from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliticalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "political"
    verbose_name = _("Political building")
