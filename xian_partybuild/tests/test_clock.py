"""The one clock: a pinned day is what every "today" means."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from coverage.models import EarlyWarning
from coverage.recount.periods import HalfYear
from coverage.warnings.scan import warning_scan
from organizations.tests.factories import SocialOrganizationFactory
from xian_partybuild import clock

ROOT = Path(__file__).resolve().parents[2]
DEMO_DAY = dt.date(2020, 12, 31)


def test_unpinned_clock_is_the_real_local_date():
    with override_settings(CLOCK_TODAY=""):
        assert clock.today() == timezone.localdate()
        assert abs(clock.now() - timezone.now()) < dt.timedelta(seconds=5)


def test_pinned_clock_keeps_the_time_of_day_on_its_day():
    with override_settings(CLOCK_TODAY="2020-12-31"):
        assert clock.today() == DEMO_DAY
        now = clock.now()
        assert timezone.localtime(now).date() == DEMO_DAY and timezone.is_aware(now)
        assert HalfYear.last_ended(clock.today()).code == "2020H1"


def test_make_run_settings_pin_the_demo_day():
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_CLOCK_TODAY")}
    env["DJANGO_SETTINGS_MODULE"] = "xian_partybuild.settings.local"
    code = "import django; django.setup(); from xian_partybuild import clock; print(clock.today())"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "2020-12-31", result.stderr


@pytest.mark.django_db
def test_the_warning_scan_opens_warnings_on_the_clocks_day(dataset):
    with override_settings(CLOCK_TODAY="2020-12-31"):
        warning_scan()
    opened = set(EarlyWarning.objects.values_list("opened_on", flat=True))
    assert opened == {DEMO_DAY}


@pytest.mark.django_db
def test_a_registration_after_the_clocks_day_is_in_the_future(beilin):
    organization = SocialOrganizationFactory.build(area=beilin, registered_on=dt.date(2021, 1, 5))
    with override_settings(CLOCK_TODAY="2020-12-31"), pytest.raises(ValidationError, match="future|未来"):
        organization.full_clean()
    organization.full_clean()  # on the real date, 2021 is the past
