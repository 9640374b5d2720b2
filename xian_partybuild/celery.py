import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xian_partybuild.settings.local")

app = Celery("xian_partybuild")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue(name: str, /, **kwargs) -> None:
    """Queue the task registered as `name` once the current transaction commits.

    Services enqueue by name so that they never import a tasks module: tasks
    import services, not the other way round. Each app's `ready()` imports its
    tasks module, so the registry knows every task in every process; without a
    broker (CELERY_TASK_ALWAYS_EAGER) the task runs in-process at the commit.
    """
    app.tasks[name].delay_on_commit(**kwargs)
