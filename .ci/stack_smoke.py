"""CI: boot the production stack (make stack: gunicorn, a Celery worker and
beat, production settings) against this machine's PostgreSQL and Redis, use
it over HTTP as the organisation department would, stop it, then round-trip
its database through backup and restore.

Steps: a fresh database seeded with the demo; /healthz answers ok with the
broker reachable; `staff` logs in through the login form; the dashboard and
a CSV export load; "recount now" is pressed and the run completes on the
stack's own worker; the stack stops on SIGTERM; `backup` then `restore` into
a second database gives every table the same row count.

Standard library and psycopg2 only. Exit code 0 when every step passed."""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
DB, RESTORED = "stack_smoke", "stack_smoke_restored"
PASSWORD = os.environ.get("DEMO_PASSWORD", "xian2020demo")
started = time.monotonic()


def say(message: str) -> None:
    print(f"[stack {time.monotonic() - started:6.1f}s] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate(name: str) -> None:
    conn = psycopg2.connect(dbname="postgres", **PG)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def row_counts(name: str) -> dict[str, int]:
    conn = psycopg2.connect(dbname=name, **PG)
    counts = {}
    with conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    conn.close()
    return counts


def query_one(name: str, sql: str):
    conn = psycopg2.connect(dbname=name, **PG)
    with conn.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    conn.close()
    return row


class Browser:
    """A minimal HTTP client that keeps cookies itself: the production
    cookies are Secure, which a standard cookie jar would not send over the
    plain HTTP that CI speaks to gunicorn (TLS ends at the proxy in production)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Host": "127.0.0.1", "Accept-Language": "zh-hans"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content

    def get(self, path: str) -> tuple[int, dict, bytes]:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> tuple[int, dict, bytes]:
        return self.request("POST", path, form)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"stack smoke FAILED: {message}")
    say(f"ok: {message}")


def main() -> None:
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="stack-smoke-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "xian_partybuild.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
        "CELERY_BROKER_URL": os.environ.get("CI_BROKER_URL", "redis://127.0.0.1:6379/0"),
        # A queue of its own on the shared Redis: nothing else takes its messages.
        "CELERY_TASK_DEFAULT_QUEUE": f"stack-smoke-{uuid.uuid4().hex[:8]}",
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "DJANGO_CLOCK_TODAY": "2020-12-31",
        # The demo's staff login has no authenticator; the second factor that
        # production requires is tested in accounts/tests/test_second_factor*.py.
        "DJANGO_OTP_REQUIRED_FOR_STAFF": "False",
        "DJANGO_MEDIA_ROOT": str(work / "media"),
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "2",
        "WORKER_CONCURRENCY": "1",
    }
    python = str(ROOT / ".venv" / "bin" / "python")
    recreate(DB)
    say("migrating and seeding the demo into a fresh database")
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "seed_demo", "--demo-users"], cwd=ROOT, env=env, check=True)

    log = open(work / "stack.log", "w")  # noqa: SIM115 (open for the stack's lifetime)
    stack = subprocess.Popen(
        ["make", "--no-print-directory", "stack"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    say(f"make stack started (pid {stack.pid}), web on port {port}")
    try:
        browser = Browser(port)
        deadline = time.monotonic() + 180
        health = None
        while time.monotonic() < deadline:
            if stack.poll() is not None:
                raise SystemExit(f"stack smoke FAILED: make stack exited with {stack.returncode}")
            try:
                status, _headers, body = browser.get("/healthz")
                health = json.loads(body)
                if status == 200 and health["broker"] == "ok":
                    break
            except (OSError, ValueError):
                pass
            time.sleep(1)
        check(health == {"status": "ok", "database": "ok", "broker": "ok"}, f"/healthz says {health}")

        status, _headers, body = browser.get("/login/")
        check(status == 200 and "csrftoken" in browser.cookies, "the login page loads and sets its CSRF cookie")
        status, headers, _body = browser.post("/login/", {"username": "staff", "password": PASSWORD})
        check(status == 302 and "sessionid" in browser.cookies, f"staff logs in ({status} → {headers.get('location')})")

        status, headers, body = browser.get("/")
        page = body.decode()
        check(
            status == 200 and re.search(r"\b3,?866\b", page), "the dashboard loads with the demo's 3,866 organisations"
        )
        check("no-store" in headers.get("cache-control", ""), "a signed-in page is not cached")

        status, headers, body = browser.get("/organizations/?_export=csv")
        lines = body.decode("utf-8-sig").splitlines()
        check(
            status == 200 and body.startswith(b"\xef\xbb\xbf") and len(lines) > 3000,
            f"CSV export: {len(lines) - 1} rows",
        )

        browser.get("/coverage/")
        status, headers, _body = browser.post("/coverage/recount/", {"period": "2020H2"})
        check(status == 302, "recount now is accepted")
        status, _headers, body = browser.get("/coverage/?period=2020H2")
        found = re.search(r'data-status-url="([^"]+)"', body.decode())
        check(found is not None, f"the overview follows the run at {found and found.group(1)}")
        deadline = time.monotonic() + 300
        state = {}
        while time.monotonic() < deadline:
            state = json.loads(browser.get(found.group(1))[2])
            if state.get("done"):
                break
            time.sleep(1)
        check(state.get("status") == "succeeded", f"the recount completed: {state.get('text')}")
        worker = query_one(DB, "SELECT worker FROM coverage_recountrun ORDER BY id DESC LIMIT 1")[0]
        check(worker.startswith("celery@"), f"on the stack's own worker ({worker})")
    finally:
        os.killpg(stack.pid, signal.SIGTERM)
        try:
            stack.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
            stack.wait()
        log.close()
        tail = (work / "stack.log").read_text(errors="replace")[-3000:]
        print("---- stack log (tail) ----\n" + tail + "\n--------------------------", flush=True)
    say("stack stopped")

    dump = work / "demo.dump"
    subprocess.run([python, "manage.py", "backup", "--output", str(dump)], cwd=ROOT, env=env, check=True)
    recreate(RESTORED)
    restored_env = {**env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{RESTORED}"}
    subprocess.run(
        [python, "manage.py", "restore", "--input", str(dump), "--yes"], cwd=ROOT, env=restored_env, check=True
    )
    original, restored = row_counts(DB), row_counts(RESTORED)
    differ = {t: (original[t], restored.get(t)) for t in original if original[t] != restored.get(t)}
    total = sum(original.values())
    check(not differ and len(original) > 30, f"backup and restore: {len(original)} tables, {total:,} rows equal")
    for name in (DB, RESTORED):
        recreate(name)  # leave empty databases, not a demo copy, on the machine
    say(f"passed in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
