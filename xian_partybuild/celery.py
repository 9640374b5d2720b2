import logging
import os
from collections.abc import Callable

from celery import Celery
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnreachable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xian_partybuild.settings.local")

app = Celery("xian_partybuild")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)

__all__ = ["BrokerUnreachable", "app", "enqueue"]


def enqueue(name: str, /, *, on_failure: Callable[[Exception], None] | None = None, **kwargs) -> None:
    """Queue the task registered as `name` once the current transaction commits.

    Services enqueue by name so that they never import a tasks module: tasks
    import services, not the other way round. Each app's `ready()` imports its
    tasks module, so the registry knows every task in every process; without a
    broker (CELERY_TASK_ALWAYS_EAGER) the task runs in-process at the commit.

    With the broker down the message cannot be sent: `on_failure(exc)` then
    records that on the job the message was for (a run or an export left
    "queued" for good would block or mislead), and the request goes on. Without
    `on_failure` the error propagates.
    """
    task = app.tasks[name]

    def publish() -> None:
        try:
            task.delay(**kwargs)
        except BrokerUnreachable as exc:
            logger.error("could not queue %s %s: %s", name, kwargs, exc)
            if on_failure is None:
                raise
            on_failure(exc)

    publish.task_name = name  # what a test's captured on-commit callback is for
    transaction.on_commit(publish)
