"""Benchmark: the dashboard's figures counted from the records on every
request (as they were) against the same figures read from snapshots and
tallies (as they are), by EXPLAIN ANALYZE on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dashboard_scale .venv/bin/python bench/dashboard.py

It reads an existing database (bench/pages.py builds one: `<name>_scale`
with seed_demo and seed_scale) and writes nothing. For each demo role and
the dashboard's default half-year it captures the SQL of each figure's
function, runs EXPLAIN (ANALYZE) on every statement a few times and prints
the median server execution time, summed over the function's statements,
old and new side by side. It checks that both give the same figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ROLES = ("beilin", "lawyers", "leader")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="EXPLAIN ANALYZE runs per statement (median)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xian_partybuild.settings.local")
    os.environ["DJANGO_DEBUG"] = "False"
    os.environ.setdefault("DJANGO_CLOCK_TODAY", "2020-12-31")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from coverage.recount import selectors as recount_selectors
    from dashboard import selectors

    if connection.vendor != "postgresql":
        raise SystemExit("EXPLAIN ANALYZE timings need PostgreSQL")

    def explained(function) -> tuple[float, int, object]:
        """(milliseconds: the median over runs of the summed execution time, statements, result)."""
        with CaptureQueriesContext(connection) as captured:
            result = function()
        statements = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
        runs = []
        for _ in range(args.runs):
            total = 0.0
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
                    plan = cursor.fetchone()[0]
                    plan = json.loads(plan) if isinstance(plan, str) else plan
                    total += plan[0]["Execution Time"]
            runs.append(total)
        return statistics.median(runs), len(statements), result

    period = recount_selectors.period_or_latest(None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM organizations_socialorganization")
        organizations = cursor.fetchone()[0]
    print(f"{organizations:,} organisations; half-year {period.code}; median of {args.runs} EXPLAIN ANALYZE runs")
    print(f"{'role':8} {'figure':34} {'before ms':>10} {'q':>3} {'after ms':>9} {'q':>3}  same")
    for username in ROLES:
        user = User.objects.select_related("area").get(username=username)
        pairs = _pairs(user, period, selectors.rating_round_for(period))
        for name, (before, after) in pairs.items():
            old_ms, old_q, old = explained(before)
            new_ms, new_q, new = explained(after)
            same = _comparable(old) == _comparable(new)
            print(f"{username:8} {name:34} {old_ms:10.1f} {old_q:3} {new_ms:9.2f} {new_q:3}  {'yes' if same else 'NO'}")


def _pairs(user, period, round_) -> dict:
    """Each figure: (counted from the records, read from snapshots and tallies)."""
    from coverage.changes.selectors import change_summary
    from coverage.models import Snapshot
    from coverage.recount import selectors as recount_selectors
    from dashboard import selectors
    from dashboard.tests import scanned

    pairs = {
        "open warnings (card)": (
            lambda: scanned.open_warning_count(user, period),
            lambda: selectors.open_warning_count(user, period),
        ),
        "warnings chart": (
            lambda: scanned.open_warnings_by_rule_and_area(user, period),
            lambda: selectors.open_warnings_by_rule_and_area(user, period),
        ),
        "stars chart": (lambda: scanned.stars_by_round(user), lambda: selectors.stars_by_round(user)),
        "rating round (cards)": (
            lambda: scanned.rating_figures(user, round_),
            lambda: selectors.rating_figures(user, round_),
        ),
        "engagement + contributions": (
            lambda: scanned.engagement_figures(user),
            lambda: selectors.engagement_figures(user),
        ),
        "change since previous (Δ)": (
            lambda: change_summary(user, period)["delta"],
            lambda: _delta(selectors, user, period),
        ),
    }
    if user.is_citywide:
        for scope in (Snapshot.Scope.AREA, Snapshot.Scope.SUPERVISING_UNIT):
            pairs[f"overview by {scope} (warnings)"] = (
                lambda scope=scope: scanned.overview_warnings(period, scope),
                lambda scope=scope: dict(
                    recount_selectors.overview_rows(period=period, scope=scope)
                    .for_user(user)
                    .values_list("scope_key", "open_warnings")
                ),
            )
    return pairs


def _delta(selectors, user, period) -> dict:
    changes = selectors.snapshot_changes(*selectors.scope_snapshots(user, period))
    return changes["delta"] if changes else {}


def _comparable(value):
    if isinstance(value, dict):
        # The scanned Δ also holds instructor assignments, which the dashboard does not show.
        return {k: _comparable(v) for k, v in value.items() if k != "instructor_assignments"}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


if __name__ == "__main__":
    main()
