"""Server-side pieces of bench/pages.py, loaded only through bench.settings:
a bare page and a middleware that counts each request's SQL queries.

The bare page is the floor every page is compared with: a login-required
view returning a tiny HTML page, served by the same gunicorn workers behind
the same middleware (session, locale, CSRF, authentication), so the ratio of
a page to it is what the page itself costs.
"""

from __future__ import annotations

import time

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse

QUERIES_HEADER = "X-Bench-Queries"
SERVER_MS_HEADER = "X-Bench-Server-Ms"

BARE_HTML = "<!doctype html><html><head><meta charset='utf-8'><title>bare</title></head><body><p>ok</p></body></html>"


@login_required
def bare(request):  # noqa: ARG001 (a view takes the request)
    return HttpResponse(BARE_HTML)


class QueryCountMiddleware:
    """Counts the SQL statements run while the request is handled and returns
    the count (and the server's own time) in response headers.

    It is the outermost middleware, so the session and user lookups of the
    middleware below it count too. Statements run while a streaming response
    is being sent are not counted (they run after this returns)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counting(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(counting):
            response = self.get_response(request)
        response[QUERIES_HEADER] = str(count)
        response[SERVER_MS_HEADER] = f"{(time.perf_counter() - started) * 1000:.1f}"
        return response
