"""Benchmark: the recount against one hand-written grouped SQL pass.

    .venv/bin/python bench/recount.py                      # 200,000 organisations, SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/recount.py --orgs 1000000

It uses its own database (a `<name>_bench` PostgreSQL database next to the
configured one, or /tmp/bench_recount.sqlite3), fills it with SQL on the
server side, then in the same process times `recount_run` and a raw pass
that computes the same figures in one GROUP BY, and prints both, the ratio
and the process's peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg2

        base, name = url.rsplit("/", 1)
        bench_name = f"{name}_bench"
        conn = psycopg2.connect(url)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [bench_name])
            if cur.fetchone():
                cur.execute(f'DROP DATABASE "{bench_name}"')
            cur.execute(f'CREATE DATABASE "{bench_name}"')
        conn.close()
        return f"{base}/{bench_name}"
    path = Path("/tmp/bench_recount.sqlite3")
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=200_000)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = bench_database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xian_partybuild.settings.local")
    os.environ["DJANGO_DEBUG"] = "False"  # no query log growing in memory
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    n = args.orgs
    print(f"database: {vendor} ({os.environ['DATABASE_URL']}), organisations: {n:,}")

    t0 = time.perf_counter()
    fill(connection, n)
    print(f"fill: {time.perf_counter() - t0:.1f}s, peak memory so far {peak_mb():.0f} MB")

    from coverage.recount import services

    on = "2020-12-31"
    # Warm both paths once so that neither pays for a cold cache alone.
    raw_pass(connection, on)
    services.recount_run(period="2020H2")

    t0 = time.perf_counter()
    raw_rows = raw_pass(connection, on)
    raw_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    run = services.recount_run(period="2020H2")
    recount_seconds = time.perf_counter() - t0

    from coverage.models import Snapshot

    city = Snapshot.objects.get(period=run.period, scope="city")
    raw_total = sum(r[3] for r in raw_rows)
    raw_covered = sum(r[4] for r in raw_rows)
    assert (city.organizations, city.org_covered) == (raw_total, raw_covered), "recount and raw pass disagree"
    print(f"raw grouped SQL pass: {raw_seconds:.2f}s ({len(raw_rows):,} groups)")
    print(f"recount_run:          {recount_seconds:.2f}s ({run.snapshot_count} snapshots)")
    print(f"ratio recount/raw:    {recount_seconds / raw_seconds:.2f}x  (target <= 3x)")
    print(f"peak memory:          {peak_mb():.0f} MB  (target < 300 MB)")
    print(
        f"city: {city.organizations:,} organisations, {city.org_covered:,} org-covered, "
        f"{city.work_covered:,} work-covered"
    )


def fill(connection, n: int) -> None:
    """Areas, units, n organisations, ~n/3 party organisations and instructors, made by the server."""
    from organizations.models import Area, SupervisingUnit

    city = Area.objects.create(code="610100", name="西安市", level="city", division_code="610100")
    for i in range(19):
        Area.objects.create(code=f"B{i:02d}", name=f"区{i}", level="district", parent=city, division_code="610103")
    for i in range(30):
        SupervisingUnit.objects.create(
            name=f"单位{i}",
            has_industry_committee=i % 5 == 0,
            industry_committee_name=f"行业党委{i}" if i % 5 == 0 else "",
        )
    area_min = Area.objects.filter(level="district").order_by("pk").first().pk
    unit_min = SupervisingUnit.objects.order_by("pk").first().pk
    series = (
        "generate_series(1, NROWS) AS s(i)"
        if connection.vendor == "postgresql"
        else "(WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < NROWS) SELECT i FROM c) AS s"
    )
    categories = (
        "CASE i % 5 WHEN 0 THEN 'social_group' WHEN 1 THEN 'social_service' WHEN 2 THEN 'foundation' "
        "WHEN 3 THEN 'law_firm' ELSE 'accounting_firm' END"
    )
    with connection.cursor() as cur:
        cur.execute(
            f"""INSERT INTO organizations_socialorganization
            (name, credit_code, category, is_trade_association, is_decoupled, area_id, supervising_unit_id,
             registered_on, status, staff_count, formal_party_members, setup_path, setup_contact, setup_contact_phone,
             updated_at)
            SELECT 'org' || i, 'B' || i, {categories}, false, false, {area_min} + (i % 19),
                   CASE WHEN i % 40 = 0 THEN NULL ELSE {unit_min} + (i % 30) END,
                   '2010-01-01', 'active', 50, i % 7, 'standalone', 'x', '', CURRENT_TIMESTAMP
            FROM {series.replace("NROWS", str(n))}"""
        )
        cur.execute(
            f"""INSERT INTO organizations_partyorganization
            (name, kind, formation, area_id, supervising_unit_id, secretary, established_on, term_due_on,
             last_activity_on, member_count, status, updated_at)
            SELECT 'party' || i, 'branch', CASE WHEN i % 2 = 0 THEN 'standalone' ELSE 'joint' END,
                   {area_min} + (i % 19), {unit_min} + (i % 30), 's', '2015-01-01', '2018-01-01', NULL, 3, 'active',
                   CURRENT_TIMESTAMP
            FROM {series.replace("NROWS", str(n // 3))}"""
        )
        cur.execute(
            # Fresh tables number their rows from 1: party organisation p covers organisation 3p.
            """INSERT INTO organizations_partyorganization_organizations (partyorganization_id, socialorganization_id)
            SELECT p.id, p.id * 3 FROM organizations_partyorganization p"""
        )
        cur.execute(
            """INSERT INTO organizations_instructorassignment (organization_id, person_name, role, phone, started_on)
            SELECT id, 'i', 'instructor', '', '2015-01-01' FROM organizations_socialorganization
            WHERE id % 3 = 1"""
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")


def raw_pass(connection, on: str) -> list[tuple]:
    """The same coverage figures in one hand-written grouped pass."""
    sql = """
    SELECT o.area_id, o.supervising_unit_id, o.category, COUNT(*),
      SUM(CASE WHEN EXISTS (SELECT 1 FROM organizations_partyorganization_organizations l
              JOIN organizations_partyorganization p ON p.id = l.partyorganization_id
              WHERE l.socialorganization_id = o.id AND p.established_on <= %s
                AND (p.dissolved_on IS NULL OR p.dissolved_on > %s)) THEN 1 ELSE 0 END),
      SUM(CASE WHEN EXISTS (SELECT 1 FROM organizations_instructorassignment a
              WHERE a.organization_id = o.id AND a.started_on <= %s
                AND (a.ended_on IS NULL OR a.ended_on >= %s)) THEN 1 ELSE 0 END),
      SUM(o.formal_party_members)
    FROM organizations_socialorganization o
    WHERE o.registered_on <= %s AND (o.deregistered_on IS NULL OR o.deregistered_on > %s)
    GROUP BY o.area_id, o.supervising_unit_id, o.category
    """
    with connection.cursor() as cur:
        cur.execute(sql, [on] * 6)
        return cur.fetchall()


if __name__ == "__main__":
    main()
