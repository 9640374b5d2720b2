"""Benchmark: every page at scale, through gunicorn with production settings,
against a bare page measured in the same run.

    .venv/bin/python bench/pages.py --orgs 2000                  # a quick end-to-end run
    .venv/bin/python bench/pages.py --orgs 1000000 --requests 20 # the issue's scale
    .venv/bin/python bench/pages.py --orgs 1000000 --only 'organizations|dashboard$' --roles staff
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mine .venv/bin/python bench/pages.py --orgs 2000

1. The dataset lives in its own PostgreSQL database, `<name>_scale` next to
   DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres, so
   `postgres_scale`). It is kept between runs: `migrate`, `seed_demo
   --demo-users` and `seed_scale --orgs N` run every time and add only what
   is missing. `--rebuild` drops the database and starts over.
2. gunicorn serves it on 127.0.0.1 with 2 workers (a 2-core machine) and
   `bench.settings`: production settings (DEBUG off, whitenoise serving the
   collected static files, secure cookies) plus a login-required bare page
   and a middleware that returns each request's SQL query count in a header.
   The clock is pinned to the demo's day (DJANGO_CLOCK_TODAY=2020-12-31), as
   `make run` pins it. Requests carry `X-Forwarded-Proto: https`, as the TLS
   proxy in front of production sets it.
3. It logs in over HTTP (CSRF token, session cookie) as each demo role and
   requests every page: two warm-up requests, then R measured ones
   (`--requests`, fewer if a page has used up `--max-seconds`). It prints, per
   role and page, the status, the SQL queries, p50 and p99 in milliseconds
   and the ratio of p50 to the bare page's p50 (warm: a page that keeps its
   parts, ui/fragments.py, answers a repeated request from them). Then R
   cold requests, each after a new data version (what any committed write
   does), so that the page is rendered from its queries: their queries, p50
   and ratio. It flags a page whose warm p50 is over 300 ms or over 3x the
   bare page's, or whose cold p50 is over 300 ms (`--warm-only` skips the
   cold requests).
4. Finally the landing dashboard's throughput with 16 concurrent clients
   (threads) against the bare page's.

The pages: the dashboard, every list page of organizations, coverage,
ratings and engagement (found in the URLconf, so a new list page is
measured without editing this file), the coverage area page of the user's
district, the changes page, every chart JSON of dashboard/urls.py, the
organisation list filtered by district and sorted by name, a name search,
page 2 and the deepest page the paginator offers, an organisation's detail
page and the organisation create form.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PROTECTED_DATABASES = {"test", "postgres", "template0", "template1"}
ROLES = ("beilin", "yanta", "lawyers", "staff", "leader")
CLOCK_TODAY = "2020-12-31"
HOST = "127.0.0.1"
WORKERS = 2
WARMUP = 2
SLOW_MS = 300
SLOW_RATIO = 3.0
# The district a city-wide or industry user's area pages and district filter use.
DEFAULT_DISTRICT = "610103"  # 碑林区
SEARCH = "书法"  # a name part as users type it: calligraphy associations, across the city
# Namespaces whose argument-less pages are measured, and URL names that are
# actions (POST) or need parameters rather than pages to read.
NAMESPACES = ("organizations", "coverage", "ratings", "engagement", "dashboard")
NOT_PAGES = re.compile(r"(create|autocomplete|import|submit|recount|export|transition)")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# The database and the dataset
# --------------------------------------------------------------------------


def bench_database_url(base_url: str, rebuild: bool) -> str:
    """`<name>_scale` next to base_url: created when missing, dropped first with --rebuild."""
    import psycopg2

    if not base_url.startswith("postgres"):
        raise SystemExit("bench/pages.py measures PostgreSQL: DATABASE_URL must be postgres://...")
    base, name = base_url.rsplit("/", 1)
    bench_name = f"{name}_scale"
    if bench_name in PROTECTED_DATABASES or not bench_name.endswith("_scale"):
        raise SystemExit(f"refusing to use the database {bench_name!r}")
    conn = psycopg2.connect(base_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [bench_name])
        exists = cur.fetchone() is not None
        if exists and rebuild:
            log(f"dropping {bench_name} (--rebuild)")
            cur.execute(f'DROP DATABASE "{bench_name}" WITH (FORCE)')
            exists = False
        if not exists:
            cur.execute(f'CREATE DATABASE "{bench_name}"')
    conn.close()
    return f"{base}/{bench_name}"


def server_environment(database_url: str, static_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
        DJANGO_CLOCK_TODAY=CLOCK_TODAY,
        BENCH_STATIC_ROOT=str(static_root),
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.pop("CELERY_BROKER_URL", None)  # recounts, if any, run in-process
    return env


def manage(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    log(f"$ manage.py {' '.join(args)}")
    result = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=False)
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed ({result.returncode})")
    return time.perf_counter() - started


def build(env: dict[str, str], orgs: int) -> dict[str, float]:
    """Migrate, seed the demo (users included) and the scale dataset; each step adds only what is missing."""
    return {
        "migrate": manage(env, "migrate", "--noinput", "-v", "0"),
        "seed_demo": manage(env, "seed_demo", "--demo-users"),
        "seed_scale": manage(env, "seed_scale", "--orgs", str(orgs)),
        "collectstatic": manage(env, "collectstatic", "--noinput", "-v", "0"),
    }


# --------------------------------------------------------------------------
# The pages
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    label: str
    path: str


def _argumentless_pages() -> list[Page]:
    """Every argument-less GET page of NAMESPACES in the URLconf, in URLconf order."""
    from django.urls import URLPattern, URLResolver, get_resolver, reverse

    pages: list[Page] = []

    def walk(patterns, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace in NAMESPACES and pattern.name:
                if NOT_PAGES.search(pattern.name) or getattr(pattern.pattern, "converters", None):
                    continue
                if getattr(pattern.pattern, "regex", None) is not None and pattern.pattern.regex.groups:
                    continue
                pages.append(Page(f"{namespace}:{pattern.name}", reverse(f"{namespace}:{pattern.name}")))

    walk(get_resolver().url_patterns, None)
    return pages


def pages_for(username: str) -> list[Page]:
    """The pages measured for one demo user, with ids from that user's own scope."""
    from django.urls import reverse

    from accounts.models import User
    from organizations.models import Area, SocialOrganization
    from ratings.models import Round

    try:
        from ui.pagination import DEFAULT_PAGE_SIZE, ROW_CAP

        deepest = ROW_CAP // DEFAULT_PAGE_SIZE  # the last page the capped paginator offers
    except ImportError:
        deepest = 400
    user = User.objects.get(username=username)
    district = user.area if user.area and user.area.level != Area.Level.CITY else None
    district = district or Area.objects.get(code=DEFAULT_DISTRICT)
    org = SocialOrganization.objects.for_user(user).order_by("pk").first()
    organizations = reverse("organizations:organization-list")

    pages = [Page("dashboard", reverse("home"))]
    pages += _argumentless_pages()
    pages += [
        Page("organizations: district, by name", f"{organizations}?{urlencode({'area': district.pk, 'sort': 'name'})}"),
        Page(f"organizations: search {SEARCH}", f"{organizations}?{urlencode({'q': SEARCH})}"),
        Page("organizations: page 2", f"{organizations}?page=2"),
        Page(f"organizations: page {deepest}", f"{organizations}?page={deepest}"),
        Page("organizations: create form", reverse("organizations:organization-create")),
        Page(f"coverage: area {district.name}", reverse("coverage:area-detail", kwargs={"code": district.code})),
    ]
    if org is not None:
        pages.append(Page("organizations: detail", org.get_absolute_url()))
    latest = Round.objects.order_by("-year").first()
    if latest is not None:
        for name in ("round-summary", "round-entry", "round-movers"):
            pages.append(
                Page(f"ratings:{name} {latest.year}", reverse(f"ratings:{name}", kwargs={"year": latest.year}))
            )
    unique: dict[str, Page] = {}
    for page in pages:
        unique.setdefault(page.path, page)
    return list(unique.values())


# --------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    seconds: float
    queries: int | None
    body: bytes


class Client:
    """One browser: its own connection and cookies. Cookies are kept by hand
    because production marks them Secure, which a cookie jar would withhold
    over plain HTTP; the requests say they came through the TLS proxy."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"https://{HOST}:{port}"
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=900)

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None) -> Response:
        sent = {"Host": f"{HOST}:{self.port}", "X-Forwarded-Proto": "https", "Accept-Language": "zh-hans"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # gunicorn's sync workers close the connection after each
                # response; a reused socket that the server closed is retried once.
                self.conn.close()
                if attempt == 2:
                    raise
        seconds = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        queries = response.headers.get("X-Bench-Queries")
        return Response(response.status, seconds, int(queries) if queries else None, data)

    def login(self, username: str, password: str) -> None:
        page = self.request("GET", "/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if page.status != 200 or not match:
            raise SystemExit(f"no login form ({page.status})")
        body = urlencode({"csrfmiddlewaretoken": match.group(1).decode(), "username": username, "password": password})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": f"{self.origin}/login/",
        }
        answer = self.request("POST", "/login/", body, headers)
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login as {username} failed ({answer.status})")


class Server:
    """gunicorn with bench.settings on a free port; stopped (by its own pid) on exit."""

    def __init__(self, env: dict[str, str], port: int, log_path: Path) -> None:
        self.env, self.port, self.log_path = env, port, log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "xian_partybuild.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(WORKERS),
            # A slow page is measured, not killed: the default 30 s would turn it into an error.
            "--timeout",
            "900",
            "--error-logfile",
            str(self.log_path),
            "--log-level",
            "warning",
        ]
        # Django logs each 4xx/5xx with its traceback: into the log file, not over the table.
        self.log_file = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command, env=self.env, cwd=ROOT, start_new_session=True, stdout=self.log_file, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}); see {self.log_path}")
            try:
                if Client(self.port).request("GET", "/login/").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer within 60 s; see {self.log_path}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log_file.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: p99 of 20 requests is the slowest."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered), max(1, math.ceil(len(ordered) * share))) - 1]


@dataclass
class Measured:
    role: str
    page: Page
    status: int
    queries: int | None
    times: list[float] = field(default_factory=list)
    # The same page when nothing of it is kept: a new data version before each request.
    cold_queries: int | None = None
    cold_times: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.times) * 1000 if self.times else 0.0

    @property
    def p99(self) -> float:
        return percentile(self.times, 0.99) * 1000

    @property
    def cold_p50(self) -> float:
        return statistics.median(self.cold_times) * 1000 if self.cold_times else 0.0


def new_data_version() -> None:
    """What any committed write does: the pages kept for the data before are not used again."""
    from ui import data_version

    data_version.bump()


def measure(client: Client, role: str, page: Page, requests: int, max_seconds: float, cold: bool = False) -> Measured:
    for _ in range(WARMUP):
        response = client.request("GET", page.path)
        if response.seconds > max_seconds / 10:
            break  # a page this slow is warm after one request; the time is better spent measuring
    result = Measured(role, page, response.status, response.queries)
    spent = 0.0
    while len(result.times) < requests and (spent < max_seconds or not result.times):
        response = client.request("GET", page.path)
        result.times.append(response.seconds)
        result.status, result.queries = response.status, response.queries
        spent += response.seconds
    spent = 0.0
    while cold and len(result.cold_times) < requests and (spent < max_seconds or not result.cold_times):
        new_data_version()
        response = client.request("GET", page.path)
        result.cold_times.append(response.seconds)
        result.cold_queries = response.queries
        spent += response.seconds
    return result


def throughput(port: int, cookies: dict[str, str], path: str, clients: int, seconds: float) -> tuple[float, float, int]:
    """Requests per second (and the median latency, and errors) with `clients` concurrent clients."""
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    started = time.perf_counter()

    def run() -> None:
        nonlocal errors
        client = Client(port)
        client.cookies = dict(cookies)
        while time.monotonic() < stop:
            try:
                response = client.request("GET", path)
                ok = response.status == 200
            except OSError:
                ok, response = False, None
            with lock:
                if ok:
                    times.append(response.seconds)
                else:
                    errors += 1

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return len(times) / elapsed, (statistics.median(times) * 1000 if times else 0.0), errors


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def _width(text: str) -> int:
    """Columns a string takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(results: list[Measured], bare: dict[str, Measured]) -> tuple[str, int]:
    header = ("role", "page", "status", "queries", "n", "p50 ms", "p99 ms", "x bare")
    header += ("cold q", "cold p50", "x bare", "")
    rows = []
    flagged = 0
    for r in results:
        ratio = r.p50 / bare[r.role].p50 if bare[r.role].p50 else 0.0
        cold_ratio = r.cold_p50 / bare[r.role].p50 if bare[r.role].p50 else 0.0
        # The targets are the warm page's (single client, warm cache); a first
        # view after a change is still held to the 300 ms.
        slow = r.status == 200 and (r.p50 > SLOW_MS or ratio > SLOW_RATIO or r.cold_p50 > SLOW_MS)
        flagged += slow
        flag = ("SLOW" if slow else "") + ("" if r.status == 200 else " (not 200)")
        rows.append(
            (
                r.role,
                r.page.label,
                str(r.status),
                "?" if r.queries is None else str(r.queries),
                str(len(r.times)),
                f"{r.p50:.1f}",
                f"{r.p99:.1f}",
                f"{ratio:.1f}",
                "" if not r.cold_times else "?" if r.cold_queries is None else str(r.cold_queries),
                f"{r.cold_p50:.1f}" if r.cold_times else "",
                f"{cold_ratio:.1f}" if r.cold_times else "",
                flag.strip(),
            )
        )
    widths = [max(_width(h), *(_width(row[i]) for row in rows)) for i, h in enumerate(header)]
    numeric = {2, 3, 4, 5, 6, 7, 8, 9, 10}

    def line(cells) -> str:
        padded = []
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            fill = " " * (width - _width(cell))
            padded.append(fill + cell if i in numeric else cell + fill)
        return "  ".join(padded).rstrip()

    lines = [line(header), line(["-" * w for w in widths])]
    lines += [line(row) for row in rows]
    return "\n".join(lines), flagged


def dataset_summary() -> str:
    from django.db import connection

    from organizations.models import PartyOrganization, SocialOrganization

    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cur.fetchone()[0]
    return (
        f"dataset: {SocialOrganization.objects.count():,} social organisations, "
        f"{PartyOrganization.objects.count():,} party organisations, database {connection.settings_dict['NAME']} "
        f"({size})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=2000, help="scale organisations in the dataset (default 2000)")
    parser.add_argument("--requests", type=int, default=20, help="measured requests per page (default 20)")
    parser.add_argument(
        "--max-seconds", type=float, default=30, help="stop measuring a page after this long (default 30)"
    )
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients for the throughput test")
    parser.add_argument("--duration", type=float, default=15, help="seconds of each throughput test (default 15)")
    parser.add_argument("--roles", default=",".join(ROLES), help="demo users to log in as, comma-separated")
    parser.add_argument("--only", default="", help="measure only the pages whose label or path matches this regex")
    parser.add_argument("--rebuild", action="store_true", help="drop the bench database and build it again")
    parser.add_argument("--port", type=int, default=0, help="port for gunicorn (default: a free one)")
    parser.add_argument(
        "--warm-only", action="store_true", help="skip the cold requests (a new data version before each one)"
    )
    args = parser.parse_args()

    database_url = bench_database_url(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL, args.rebuild)
    workdir = Path(tempfile.gettempdir()) / f"bench_pages_{database_url.rsplit('/', 1)[1]}"
    workdir.mkdir(exist_ok=True)
    env = server_environment(database_url, workdir / "static")
    timings = build(env, args.orgs)

    # This process reads ids from the same database with the same settings.
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    roles = [r for r in args.roles.split(",") if r]
    only = re.compile(args.only) if args.only else None
    plans = {
        role: [p for p in pages_for(role) if only is None or only.search(p.label) or only.search(p.path)]
        for role in roles
    }
    summary = dataset_summary()
    connections.close_all()

    port = args.port or free_port()
    results: list[Measured] = []
    bare: dict[str, Measured] = {}
    bare_page = Page("bare page", "/bench/bare/")
    run_started = time.perf_counter()
    with Server(env, port, workdir / "gunicorn.log"):
        clients = {}
        for role in roles:
            clients[role] = Client(port)
            clients[role].login(role, settings.DEMO_PASSWORD)
        for role in roles:
            client = clients[role]
            bare[role] = measure(client, role, bare_page, max(args.requests, 30), args.max_seconds)
            results.append(bare[role])
            log(f"{role}: bare page p50 {bare[role].p50:.1f} ms; {len(plans[role])} pages")
            for page in plans[role]:
                result = measure(client, role, page, args.requests, args.max_seconds, cold=not args.warm_only)
                results.append(result)
                cold = result.cold_times and f"; cold {result.cold_queries} queries, p50 {result.cold_p50:.1f} ms"
                log(f"  {page.label}: {result.status}, {result.queries} queries, p50 {result.p50:.1f} ms{cold or ''}")
        load_role = "staff" if "staff" in clients else roles[0]
        cookies = clients[load_role].cookies
        dash_rps, dash_p50, dash_errors = throughput(port, cookies, "/", args.clients, args.duration)
        bare_rps, bare_p50, bare_errors = throughput(port, cookies, bare_page.path, args.clients, args.duration)

    text, flagged = table(results, bare)
    print()
    print(summary)
    print(
        "build: "
        + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items())
        + f"; measuring {time.perf_counter() - run_started:.0f} s"
    )
    print(
        f"server: gunicorn, {WORKERS} workers, bench.settings (production + bare page + query count), "
        f"clock {CLOCK_TODAY}; {args.requests} measured requests per page after {WARMUP} warm-up"
    )
    print()
    print(text)
    print()
    print(
        "p50, p99, x bare: repeated requests of a page (warm: a page that keeps its parts answers from them); "
        "cold: with a new data version before each request, as after any write"
    )
    print(
        f"flagged (warm p50 > {SLOW_MS} ms or > {SLOW_RATIO:.0f}x the bare page, or cold p50 > {SLOW_MS} ms): "
        f"{flagged} of {len(results) - len(bare)}"
    )
    print()
    print(f"throughput with {args.clients} concurrent clients for {args.duration:.0f} s each, as {load_role}:")
    print(f"  dashboard /: {dash_rps:8.1f} req/s  (p50 {dash_p50:.0f} ms, {dash_errors} errors)")
    print(f"  bare page:   {bare_rps:8.1f} req/s  (p50 {bare_p50:.0f} ms, {bare_errors} errors)")
    ratio = bare_rps / dash_rps if dash_rps else float("inf")
    print(f"  the dashboard serves {ratio:.1f}x fewer requests per second than the bare page")


if __name__ == "__main__":
    main()
