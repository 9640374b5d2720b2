"""Benchmark: a ledger import of N realistic rows, as CSV and as XLSX.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imports .venv/bin/python bench/imports.py --rows 10000 100000
    .venv/bin/python bench/imports.py --rows 10000          # SQLite file, /tmp/bench_imports.sqlite3

It uses its own database (`<name>_imports` next to the configured PostgreSQL
one, dropped and created again; or a SQLite file), with the demo's areas and
supervising units, optionally `--existing N` organisations from seed_scale
(PostgreSQL: seeded once into `<name>_imports_<N>`, which later runs copy),
and a district official of 雁塔区 as the uploader. For each size it measures:

- the files: bytes as UTF-8 CSV and as XLSX (openpyxl's write-only mode, inline
  strings as our own exports write; Excel's shared strings are smaller), and
  the XLSX sheet unpacked;
- the upload request (form, storing the file; the check queued, not run);
- the check, as the worker runs it (coverage.tasks.ledger_import_check);
- the preview page (first and last page of problems for a file with a problem on every row);
- the import, as the worker runs it: N new organisations from the CSV, then
  the same N again from the XLSX (all unchanged), then N changed (all updated).

For the check and the import it prints the wall time and the CPU time spent
by the worker and by its PostgreSQL backend (read from /proc when the server
runs on this machine): on a machine shared with other work, the wall time
measures the others' work too.

Each step runs in a forked process, so that its peak resident memory
(resource.getrusage) is its own (it includes the process it was forked from,
printed first). Times are wall-clock seconds; the organisations table is
analysed before each import, as autovacuum would have done on a server.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pages import manage  # noqa: E402 (the path above makes the bench package importable)


def bench_database_url(existing: int = 0) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg2

        base, name = url.rsplit("/", 1)
        bench_name = f"{name}_imports"
        template = f"{name}_imports_{existing}" if existing else None
        conn = psycopg2.connect(url)
        conn.autocommit = True
        with conn.cursor() as cur:
            if template:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
                if cur.fetchone():
                    # Up to the code's migrations (nothing to do when it is), so
                    # that each copy does not migrate a million rows again.
                    manage(_manage_environment(f"{base}/{template}"), "migrate", "--verbosity", "0")
                else:
                    _seed_template(f"{base}/{template}", cur, template, existing)
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [bench_name])
            if cur.fetchone():
                cur.execute(f'DROP DATABASE "{bench_name}"')
            # A copy of the seeded database (a file copy: a minute at a million
            # organisations, where seeding takes twenty), or an empty one.
            cur.execute(f'CREATE DATABASE "{bench_name}"' + (f' TEMPLATE "{template}"' if template else ""))
        conn.close()
        return f"{base}/{bench_name}"
    if existing:
        sys.exit("--existing needs PostgreSQL (DATABASE_URL=postgres://…)")
    path = Path("/tmp/bench_imports.sqlite3")
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _seed_template(url: str, cur, name: str, existing: int) -> None:
    """Seed `existing` organisations into a database kept as the template of
    later runs, named by the count (drop it to seed again). Seeded under a
    name of its own and renamed only when complete: seed_scale commits as it
    goes, and a run killed half-way must not leave a template that looks whole."""
    partial = f"{name}_partial"
    cur.execute(f'DROP DATABASE IF EXISTS "{partial}" WITH (FORCE)')
    cur.execute(f'CREATE DATABASE "{partial}"')
    env = _manage_environment(url.rsplit("/", 1)[0] + f"/{partial}")
    seconds = manage(env, "migrate", "--verbosity", "0") + manage(env, "seed_scale", "--orgs", str(existing))
    cur.execute(f'ALTER DATABASE "{partial}" RENAME TO "{name}"')
    print(f"seed_scale --orgs {existing:,} into {name}: {seconds:.0f} s (kept for later runs)")


def _manage_environment(url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "False"}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds(pid: int | None = None) -> float:
    """CPU time (user + system) of this process, or of process `pid` (from /proc), in seconds."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(step):
    """`step()` with the CPU it cost here and in its PostgreSQL backend (when the
    server runs on this machine): on a machine shared with other work, wall
    time measures the others too; CPU time is the step's own."""
    from django.db import connection

    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    client, server = _cpu_seconds(), _cpu_seconds(backend) if backend else 0.0
    result = step()
    result["cpu"] = _cpu_seconds() - client + ((_cpu_seconds(backend) - server) if backend else 0.0)
    return result


def in_child(step):
    """Run `step()` in a forked process; its result (a dict) with the child's
    peak memory and CPU seconds (its own and its database backend's)."""
    from django.db import connections

    connections.close_all()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its own database connection, opened on first use
        os.close(read_end)
        code = 0
        try:
            result = _timed(step)
            result["rss"] = peak_mb()
        except BaseException as exc:  # report, never fall back into the parent's code
            result = {"error": repr(exc)}
            code = 1
        with os.fdopen(write_end, "w") as out:
            out.write(json.dumps(result))
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as source:
        data = source.read()
    os.waitpid(pid, 0)
    result = json.loads(data or '{"error": "no result"}')
    if "error" in result:
        raise SystemExit(f"step failed: {result['error']}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--existing", type=int, default=0, help="organisations seeded first (seed_scale)")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = bench_database_url(args.existing)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xian_partybuild.settings.local")
    os.environ["DJANGO_DEBUG"] = "False"  # no query log growing in memory
    import warnings

    import django

    # whitenoise asks for collected static files, which no page here needs.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    import random

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from coverage import tasks
    from coverage.ledgers.imports import parsing
    from coverage.ledgers.imports.columns import COLUMN_OF_FIELD, HEADERS
    from coverage.models import LedgerImport
    from coverage.recount import services as recount
    from coverage.tests.ledgers.files import csv_bytes, realistic_rows, xlsx_bytes_fast
    from organizations import demo
    from organizations.models import Area, SocialOrganization, SupervisingUnit

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} ({os.environ['DATABASE_URL']})")
    if not args.existing:
        demo.seed_areas(random.Random(1))
        demo.seed_supervising_units(random.Random(1))
    yanta = Area.objects.get(name="雁塔区")
    official, _created = User.objects.get_or_create(
        username="bench-yanta", defaults={"role": User.Role.DISTRICT, "area": yanta}
    )
    period = recount.period_get(period="2020H2")
    recount.recount_run(period="2020H2")
    units = list(SupervisingUnit.objects.values_list("name", flat=True)[:12])
    print(
        f"limits: {parsing.MAX_ROWS:,} rows, {parsing.MAX_BYTES / 2**20:.0f} MB a file, "
        f"{parsing.MAX_UNPACKED_BYTES / 2**20:.0f} MB unpacked, ratio {parsing.MAX_RATIO}, "
        f"{parsing.MAX_COLUMNS} columns"
    )

    def client() -> Client:
        browser = Client(SERVER_NAME="localhost")
        browser.force_login(official)
        return browser

    def upload(path: Path) -> dict:
        """The upload request as a browser sends it; the check it queues is left to the next step."""
        browser = client()
        browser.get(reverse("coverage:ledger-import"))  # warm: URLs, views, templates
        form = {"period": period.code, "file": io.BytesIO(path.read_bytes())}
        form["file"].name = "台账" + path.suffix
        started = time.perf_counter()
        with transaction.atomic():
            queued = len(connection.run_on_commit)
            response = browser.post(reverse("coverage:ledger-import"), form)
            del connection.run_on_commit[queued:]  # a worker takes the check, not this process
        seconds = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        return {"seconds": seconds, "pk": LedgerImport.objects.latest("pk").pk}

    def check(pk: int) -> dict:
        started = time.perf_counter()
        tasks.ledger_import_check(pk)
        seconds = time.perf_counter() - started
        record = LedgerImport.objects.get(pk=pk)
        return {"seconds": seconds, "status": record.status, "rows": record.row_count, "problems": record.error_count}

    def page(pk: int, last: bool) -> dict:
        browser = client()
        url = reverse("coverage:ledger-import-preview", args=[pk])
        browser.get(url)  # warm: the session, the templates
        record = LedgerImport.objects.get(pk=pk)
        if last:
            url += f"?page={max(1, -(-record.error_count // 100))}"
        started = time.perf_counter()
        response = browser.get(url)
        seconds = time.perf_counter() - started
        assert response.status_code == 200
        return {"seconds": seconds}

    def run_import(pk: int) -> dict:
        if connection.vendor == "postgresql":
            # As autovacuum would have by now on a real server: this database
            # grows from nothing by 100,000 rows a step, and plans made on the
            # statistics of a tenth of the table are no measure of anything.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE organizations_socialorganization")
        record = LedgerImport.objects.get(pk=pk)
        LedgerImport.objects.filter(pk=pk).update(status=LedgerImport.Status.IMPORTING)
        started = time.perf_counter()
        tasks.ledger_import_run(pk, official.pk)
        seconds = time.perf_counter() - started
        record.refresh_from_db()
        assert record.status == LedgerImport.Status.IMPORTED, (record.status, record.failure)
        return {
            "seconds": seconds,
            "created": record.created_count,
            "updated": record.updated_count,
            "unchanged": record.unchanged_count,
        }

    def make_files(n: int) -> dict:
        """The benchmark's files, written to FILES (so that no step's process holds another's data)."""
        rows = realistic_rows(n, areas=[("雁塔区", yanta.division_code)], units=units, seed=n)
        FILES.mkdir(exist_ok=True)
        (FILES / f"{n}-new.csv").write_bytes(csv_bytes(rows))
        (FILES / f"{n}-same.xlsx").write_bytes(xlsx_bytes_fast(rows))
        # The head count's position in the template (columns are added over time).
        at = HEADERS.index(COLUMN_OF_FIELD["staff_count"].header)
        (FILES / f"{n}-changed.csv").write_bytes(
            csv_bytes([[*r[:at], str(int(r[at]) + 1), *r[at + 1 :]] for r in rows])
        )
        (FILES / f"{n}-bad.csv").write_bytes(csv_bytes([[*r[:at], "-1", *r[at + 1 :]] for r in rows]))
        with zipfile.ZipFile(FILES / f"{n}-same.xlsx") as archive:
            return {"unpacked": sum(info.file_size for info in archive.infolist())}

    baseline = in_child(dict)["rss"]
    print(f"a step's process before it starts: {baseline:.0f} MB")
    table: list[tuple] = []
    for n in args.rows:
        made = in_child(lambda n=n: make_files(n))
        csv_size, xlsx_size = (FILES / f"{n}-new.csv").stat().st_size, (FILES / f"{n}-same.xlsx").stat().st_size
        print(
            f"\n{n:,} rows: CSV {csv_size / 2**20:.1f} MB, XLSX {xlsx_size / 2**20:.1f} MB "
            f"(unpacked {made['unpacked'] / 2**20:.0f} MB); "
            f"before: {SocialOrganization.objects.count():,} organisations"
        )
        for label, path, expect in (
            ("CSV, new", FILES / f"{n}-new.csv", "created"),
            ("XLSX, same rows", FILES / f"{n}-same.xlsx", "unchanged"),
            ("CSV, all changed", FILES / f"{n}-changed.csv", "updated"),
            ("CSV, a problem a row", FILES / f"{n}-bad.csv", None),
        ):
            up = in_child(lambda p=path: upload(p))
            checked = in_child(lambda pk=up["pk"]: check(pk))
            first = in_child(lambda pk=up["pk"]: page(pk, last=False))
            last = in_child(lambda pk=up["pk"]: page(pk, last=True))
            done = (
                in_child(lambda pk=up["pk"]: run_import(pk)) if expect else {"seconds": None, "rss": None, "cpu": None}
            )
            if expect:
                assert done[expect] == n, done
            else:
                assert checked["problems"] == n, checked
            table.append(
                (
                    n,
                    label,
                    path.stat().st_size / 2**20,
                    up["seconds"],
                    checked["seconds"],
                    checked["cpu"],
                    first["seconds"] * 1000,
                    last["seconds"] * 1000,
                    done["seconds"],
                    done["cpu"] if expect else None,
                    up["rss"],
                    checked["rss"],
                    done["rss"],
                )
            )
            print("  " + _line(table[-1]), flush=True)

    print("\n" + _header())
    for line in table:
        print(_line(line))


FILES = Path("/tmp/bench_imports")
COLUMNS = (
    ("rows", 8, "{:,}"),
    ("file", 20, "{}"),
    ("MB", 5, "{:.1f}"),
    ("upload s", 8, "{:.2f}"),
    ("check s", 7, "{:.1f}"),
    ("check CPU s", 11, "{:.1f}"),
    ("page 1 ms", 9, "{:.0f}"),
    ("last page ms", 12, "{:.0f}"),
    ("import s", 8, "{:.1f}"),
    ("import CPU s", 12, "{:.1f}"),
    ("upload MB", 9, "{:.0f}"),
    ("check MB", 8, "{:.0f}"),
    ("import MB", 9, "{:.0f}"),
)


def _header() -> str:
    return " | ".join(name.rjust(width) for name, width, _fmt in COLUMNS)


def _line(values: tuple) -> str:
    cells = []
    for (_name, width, fmt), value in zip(COLUMNS, values, strict=True):
        text = "—" if value is None else fmt.format(value)
        cells.append(text.ljust(width) if isinstance(value, str) else text.rjust(width))
    return " | ".join(cells)


if __name__ == "__main__":
    main()
