"""Backup and restore of the configured database, for the `backup` and
`restore` commands and the CI round trip.

PostgreSQL: pg_dump's custom format (compressed, restored table by table by
pg_restore with --clean, so a restore into a live database replaces it, and
--no-owner, so it restores under another role). SQLite (the demo): the
online-backup API, consistent while the app runs."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

from ui import data_version


def _pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return env, args


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise RuntimeError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def backup(output: Path) -> int:
    """Write the database to `output`; returns the file's size in bytes."""
    output.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        env, args = _pg_env_and_args()
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(output), *args], env)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(output) as target:
            connection.connection.backup(target)
    else:
        raise RuntimeError(f"no backup for {connection.vendor}")
    return output.stat().st_size


def restore(source: Path) -> None:
    """Replace the database's contents with the backup in `source`."""
    if not source.is_file():
        raise RuntimeError(f"{source} is not a file")
    if connection.vendor == "postgresql":
        env, args = _pg_env_and_args()
        connection.close()  # pg_restore drops what this connection might hold
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
        _run([*command, *args, str(source)], env)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source) as backup_file:
            backup_file.backup(connection.connection)
    else:
        raise RuntimeError(f"no restore for {connection.vendor}")
    # pg_restore writes past Django's connection: pages kept for the data
    # before are dropped with a new data version.
    data_version.bump()
