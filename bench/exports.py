"""Benchmark: exporting every organisation of the city, over HTTP, through
gunicorn with production settings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mine .venv/bin/python bench/exports.py --orgs 1000000
    .venv/bin/python bench/exports.py --orgs 20000 --skip-xlsx        # a quick run

It reuses bench/pages.py's dataset and server: the `<name>_scale` database
next to DATABASE_URL (migrate, seed_demo --demo-users, seed_scale --orgs N,
each adding only what is missing; --rebuild starts over) and gunicorn with
bench.settings (2 sync workers, the clock on the demo's day). Then, logged
in as `staff` (the whole city):

1. CSV: GET /organizations/?_export=csv, read as a browser downloads it.
   Prints the time to the response headers, to the first body byte and to
   the first data row, the rows and megabytes received and the total time,
   and the gunicorn workers' resident memory: the highest sampled during
   the download and their peak (VmHWM) afterwards. Targets: first byte
   under 1 s, peak under 150 MB, rows = the organisations in the database.
2. XLSX, direct: the largest district whose organisations fit under the
   direct limit (ui.exports.XLSX_DIRECT_MAX_ROWS), exported inside the
   request: its time says whether the limit is right.
3. XLSX, job: GET /organizations/?_export=xlsx. With --broker redis://...
   a real `celery worker` process runs it, as in production; without one
   the job runs inside that request (as in the demo), on one gunicorn
   worker, and gunicorn's timeout (900 s here) ends a job longer than that.
   The status JSON is polled every 2 seconds and printed (rows written /
   total), with the processes' CPU time and peak memory; then the file is
   downloaded.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mine .venv/bin/python bench/exports.py \
        --orgs 1000000 --broker redis://127.0.0.1:6379/13
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pages import (  # noqa: E402 (the path above makes the bench package importable)
    DEFAULT_DATABASE_URL,
    HOST,
    Client,
    Server,
    bench_database_url,
    build,
    free_port,
    log,
    manage,
    server_environment,
)

USER, PASSWORD = "staff", os.environ.get("DEMO_PASSWORD", "xian2020demo")
CSV_URL = "/organizations/?_export=csv"
XLSX_URL = "/organizations/?_export=xlsx"
FIRST_BYTE_TARGET_S = 1.0
PEAK_TARGET_MB = 150


# --------------------------------------------------------------------------
# Memory of the server's processes
# --------------------------------------------------------------------------


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The parent pid is the 2nd field after the command name in parentheses.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class RssSampler:
    """The highest resident memory (MB) of the given processes, sampled every 50 ms."""

    def __init__(self, pids: list[int]) -> None:
        self.pids, self.peak = pids, dict.fromkeys(pids, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self.pids:
                self.peak[pid] = max(self.peak[pid], _status_kb(pid, "VmRSS") / 1024)
            time.sleep(0.05)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def memory_line(label: str, pids: list[int], sampler: RssSampler | None = None) -> str:
    parts = []
    for pid in pids:
        sampled = f"sampled max {sampler.peak[pid]:.0f} MB, " if sampler else ""
        parts.append(
            f"pid {pid}: {sampled}now {_status_kb(pid, 'VmRSS') / 1024:.0f} MB, "
            f"peak (VmHWM) {_status_kb(pid, 'VmHWM') / 1024:.0f} MB"
        )
    return f"{label}: " + "; ".join(parts)


# --------------------------------------------------------------------------
# A streaming download
# --------------------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used (the machine may be
    shared: wall time measures the neighbours too, CPU time only the server)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def stream(client: Client, path: str, *, time_first_row: bool = True) -> dict:
    """GET `path` with the client's cookies and read the body in 64 KB pieces,
    timing the headers, the first body byte and the end of the first line."""
    conn = http.client.HTTPConnection(HOST, client.port, timeout=1800)
    headers = {
        "Host": f"{HOST}:{client.port}",
        "X-Forwarded-Proto": "https",
        "Accept-Language": "zh-hans",
        "Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items()),
    }
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    result = {"status": response.status, "headers_s": time.perf_counter() - started, "location": None}
    result["location"] = response.getheader("Location")
    size, lines, first_byte, first_row, tail = 0, 0, None, None, b""
    while True:
        piece = response.read1(65536)
        if not piece:
            break
        now = time.perf_counter() - started
        if first_byte is None:
            first_byte = now
        size += len(piece)
        # Lines end in CRLF; counting LF alone never misses one split between two pieces.
        lines += piece.count(b"\n")
        if first_row is None and time_first_row and lines >= 2:
            first_row = now
        tail = piece[-64:]
    conn.close()
    result.update(
        total_s=time.perf_counter() - started,
        first_byte_s=first_byte,
        first_row_s=first_row,
        bytes=size,
        lines=lines,
        tail=tail,
    )
    return result


def database_count(database_url: str, sql: str, params: tuple = ()) -> int:
    import psycopg2

    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


def newest_job(database_url: str) -> str:
    import psycopg2

    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM exports_exportjob ORDER BY created_at DESC LIMIT 1")
        return str(cur.fetchone()[0])


def largest_list_under(database_url: str, limit: int) -> tuple[int, str, str, int] | None:
    """The organisation list filtered by one area below the city and one
    category that holds the most rows without passing `limit`."""
    import psycopg2

    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute(
            """SELECT a.id, a.name, o.category, COUNT(*) FROM organizations_socialorganization o
            JOIN organizations_area a ON a.id = o.area_id
            WHERE a.parent_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM organizations_area c WHERE c.path LIKE a.path || '%%' AND c.id <> a.id
                              AND EXISTS (SELECT 1 FROM organizations_socialorganization x WHERE x.area_id = c.id))
            GROUP BY a.id, a.name, o.category HAVING COUNT(*) <= %s ORDER BY COUNT(*) DESC LIMIT 1""",
            [limit],
        )
        return cur.fetchone()


# --------------------------------------------------------------------------
# The three measurements
# --------------------------------------------------------------------------


def bench_csv(client: Client, workers: list[int], organisations: int) -> None:
    print("\n== CSV, streamed ==")
    cpu = cpu_seconds(workers)
    with RssSampler(workers) as sampler:
        result = stream(client, CSV_URL)
    cpu = cpu_seconds(workers) - cpu
    rows = result["lines"] - 1
    mb = result["bytes"] / 1_000_000
    print(
        f"status {result['status']}, {rows:,} rows, {mb:,.1f} MB in {result['total_s']:.1f} s "
        f"({mb / result['total_s']:.1f} MB/s)"
    )
    print(
        f"headers after {result['headers_s'] * 1000:.0f} ms, first byte after {result['first_byte_s'] * 1000:.0f} ms "
        f"(target < {FIRST_BYTE_TARGET_S * 1000:.0f} ms), first data row after {result['first_row_s']:.2f} s"
    )
    print(f"server CPU time {cpu:.0f} s ({cpu / max(rows, 1) * 1e6:.0f} µs a row)")
    print(memory_line("gunicorn workers", workers, sampler))
    peak = max(max(sampler.peak.values()), *(_status_kb(pid, "VmHWM") / 1024 for pid in workers))
    verdict = "ok" if result["first_byte_s"] < FIRST_BYTE_TARGET_S and peak < PEAK_TARGET_MB else "OVER TARGET"
    print(
        f"rows exported {rows:,} vs organisations in the database {organisations:,}: "
        f"{'equal' if rows == organisations else 'DIFFERENT'}; first byte and peak memory: {verdict}"
    )


def bench_xlsx_direct(client: Client, workers: list[int], database_url: str) -> None:
    from ui.exports import XLSX_DIRECT_MAX_ROWS

    print(f"\n== XLSX, direct (up to {XLSX_DIRECT_MAX_ROWS:,} rows) ==")
    found = largest_list_under(database_url, XLSX_DIRECT_MAX_ROWS)
    if found is None:
        print("no area and category hold that few organisations; skipped")
        return
    pk, name, category, count = found
    cpu = cpu_seconds(workers)
    with RssSampler(workers) as sampler:
        result = stream(client, f"/organizations/?area={pk}&category={category}&_export=xlsx", time_first_row=False)
    cpu = cpu_seconds(workers) - cpu
    print(
        f"{name}, {category}: {count:,} rows, status {result['status']}, {result['bytes'] / 1_000_000:.1f} MB "
        f"in {result['total_s']:.2f} s, server CPU time {cpu:.1f} s"
    )
    print(memory_line("gunicorn workers", workers, sampler))


def bench_xlsx_job(client: Client, port: int, workers: list[int], database_url: str, celery_pid: int | None) -> None:
    print("\n== XLSX, export job ==")
    asked: dict = {}

    def ask() -> None:
        asked.update(stream(client, XLSX_URL, time_first_row=False))

    since = database_count(database_url, "SELECT COUNT(*) FROM exports_exportjob")
    started = time.perf_counter()
    thread = threading.Thread(target=ask, daemon=True)
    pids = workers + ([celery_pid] if celery_pid else [])
    cpu = cpu_seconds(pids)
    with RssSampler(pids) as sampler:
        thread.start()
        job_id = None
        while job_id is None and time.perf_counter() - started < 60:
            if database_count(database_url, "SELECT COUNT(*) FROM exports_exportjob") > since:
                job_id = newest_job(database_url)
            else:
                time.sleep(0.2)
        if job_id is None:
            print("no job was created")
            return
        poller = Client(port)
        poller.cookies = dict(client.cookies)
        status = {}
        while True:
            response = poller.request("GET", f"/exports/{job_id}/status.json")
            if response.status == 200:
                status = json.loads(response.body)
                print(
                    f"  {time.perf_counter() - started:6.1f} s  {status['status']:<9} "
                    f"{status['rows_written']:>9,} / {status['rows_total'] or 0:,} rows ({status['percent']}%)",
                    flush=True,
                )
                if status["status"] in ("succeeded", "failed"):
                    break
            time.sleep(2)
        thread.join()
    cpu = cpu_seconds(pids) - cpu
    print(f"job {job_id}: {status.get('status')} in {time.perf_counter() - started:.1f} s; {status.get('text')}")
    print(f"server CPU time {cpu:.0f} s")
    print(
        f"the asking request answered {asked.get('status')} -> {asked.get('location')} "
        f"after {asked.get('total_s', 0):.1f} s"
    )
    print(memory_line("gunicorn workers" + (" and the celery worker" if celery_pid else ""), pids, sampler))
    if status.get("download_url"):
        result = stream(client, status["download_url"], time_first_row=False)
        print(f"download: status {result['status']}, {result['bytes'] / 1_000_000:.1f} MB in {result['total_s']:.1f} s")


def start_celery(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "xian_partybuild",
        "worker",
        "--concurrency",
        "1",
        "--loglevel",
        "warning",
    ]
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, start_new_session=True, stdout=log_path.open("ab"), stderr=subprocess.STDOUT
    )
    time.sleep(5)
    if process.poll() is not None:
        raise SystemExit(f"celery exited ({process.returncode}); see {log_path}")
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true", help="drop the <name>_scale database and start over")
    parser.add_argument("--skip-build", action="store_true", help="use the <name>_scale database as it is (no seeding)")
    parser.add_argument("--skip-xlsx", action="store_true")
    parser.add_argument("--broker", default="", help="e.g. redis://127.0.0.1:6379/9: run the job on a celery worker")
    args = parser.parse_args()

    database_url = bench_database_url(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), args.rebuild)
    workdir = Path(tempfile.mkdtemp(prefix="bench-exports-"))
    env = server_environment(database_url, workdir / "static")
    env["DJANGO_MEDIA_ROOT"] = str(workdir / "media")
    if args.broker:
        env["CELERY_BROKER_URL"] = args.broker
    if args.skip_build:
        manage(env, "collectstatic", "--noinput", "-v", "0")
    else:
        for step, seconds in build(env, args.orgs).items():
            log(f"{step}: {seconds:.0f} s")
    os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="xian_partybuild.settings.production")
    os.environ.setdefault("DJANGO_SECRET_KEY", env["DJANGO_SECRET_KEY"])
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", env["DJANGO_ALLOWED_HOSTS"])
    import django

    django.setup()

    import psycopg2

    # Jobs of earlier runs (one killed with its server would still count as running).
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM exports_exportjob")
    organisations = database_count(database_url, "SELECT COUNT(*) FROM organizations_socialorganization")
    print(f"database {database_url}: {organisations:,} organisations")
    port = free_port()
    celery = start_celery(env, workdir / "celery.log") if args.broker else None
    try:
        with Server(env, port, workdir / "gunicorn.log") as server:
            workers = children(server.process.pid)
            client = Client(port)
            client.login(USER, PASSWORD)
            print(memory_line("gunicorn workers after login", workers))
            bench_csv(client, workers, organisations)
            if not args.skip_xlsx:
                bench_xlsx_direct(client, workers, database_url)
                celery_pid = children(celery.pid)[0] if celery and children(celery.pid) else None
                bench_xlsx_job(client, port, workers, database_url, celery_pid)
    finally:
        if celery is not None:
            os.killpg(celery.pid, 15)
            celery.wait(timeout=60)
    print(f"\nlogs and files: {workdir}")


if __name__ == "__main__":
    main()
