import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xian_partybuild.settings.local")

app = Celery("xian_partybuild")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
