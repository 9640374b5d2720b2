import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "xian_partybuild.settings.production",
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-0123456789",
    "DJANGO_ALLOWED_HOSTS": "dangjian.xa.gov.example",
    "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def test_production_settings_pass_check_deploy_without_warnings():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(PRODUCTION_ENV)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    env.update({k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_celery_runs_in_process_without_a_broker():
    if os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("a broker is configured for this run")
    assert settings.CELERY_TASK_ALWAYS_EAGER is True


def test_no_page_template_loads_anything_from_the_internet():
    offenders = []
    for path in list((ROOT / "templates").rglob("*.html")) + list((ROOT / "static").rglob("*.*")):
        # A directory may have a dot in its name (a vendored release's version). A source
        # map is read only by a developer's tools, never by a page; its embedded sources
        # quote addresses in their comments.
        if not path.is_file() or path.suffix == ".map":
            continue
        # A vendored release's licence banner (/*! ... */) names its home page; it loads nothing.
        text = re.sub(r"/\*!.*?\*/", "", path.read_text(errors="ignore"), flags=re.DOTALL)
        for needle in ("http://", "https://", "//cdn", "googleapis"):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert offenders == []
