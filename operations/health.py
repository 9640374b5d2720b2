"""/healthz: what a load balancer, a process supervisor and CI ask before
sending users: can this process reach its database and its broker?

No login (a probe has none), no figures or names (nothing worth hiding is
said), never cached. 200 when the database answers and the broker does (or
there is none: tasks run in-process); 503 otherwise, with the part that failed."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu.exceptions import KombuError

from xian_partybuild.celery import app

logger = logging.getLogger(__name__)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("healthz: database unreachable: %s", exc)
        return "down"
    return "ok"


def _broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    try:
        with app.connection_for_read() as broker:
            broker.ensure_connection(max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
    except (KombuError, OSError) as exc:
        logger.error("healthz: broker unreachable: %s", exc)
        return "down"
    return "ok"


@never_cache
@require_GET
def healthz(request):  # noqa: ARG001 (a view's signature)
    checks = {"database": _database(), "broker": _broker()}
    healthy = checks["database"] == "ok" and checks["broker"] in ("ok", "in-process")
    return JsonResponse({"status": "ok" if healthy else "fail", **checks}, status=200 if healthy else 503)
