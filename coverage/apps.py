from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "coverage"
    verbose_name = _("Coverage")

    def ready(self) -> None:
        # Register the tasks in every process (web, worker, beat, shell), so
        # that services can queue them by name through xian_partybuild.celery.enqueue.
        from . import tasks  # noqa: F401, PLC0415 (apps are not ready at import time)
        from .changes import summaries  # noqa: PLC0415
        from .recount import services  # noqa: PLC0415

        # The change page's counts are stored with the snapshots they explain.
        services.recount_written.connect(summaries.on_recount_written, dispatch_uid="coverage.changes.summaries")
