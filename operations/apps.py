from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What keeps a deployment running: the health probe, backup and restore."""

    name = "operations"
    verbose_name = "Operations"
