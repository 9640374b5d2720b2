"""The city's own registrations carry one name in every figure: 市本级, as
the coverage snapshots call them, never the city's name 西安市."""

import datetime as dt
import json

from django.urls import reverse

from coverage.models import EarlyWarning
from coverage.recount import services
from coverage.recount.compute import CITY_OWN_LABEL
from coverage.warnings.scan import warning_scan
from organizations.tests.factories import SocialOrganizationFactory


def test_warnings_chart_names_the_city_own_row_like_the_snapshots(login, staff_user, city, dataset):
    SocialOrganizationFactory(name="市级 协会", area=city, formal_party_members=3)
    services.recount_run(period="2020H2")
    warning_scan(today=dt.date(2020, 12, 31))
    chart = json.loads(login(staff_user).get(reverse("dashboard:chart-warnings")).content)
    assert CITY_OWN_LABEL == "市本级"
    assert CITY_OWN_LABEL in chart["labels"] and city.name not in chart["labels"]
    index = chart["labels"].index(CITY_OWN_LABEL)
    assert sum(d["data"][index] for d in chart["datasets"]) == EarlyWarning.objects.open().filter(area=city).count() > 0
    # The coverage chart names the same row the same way.
    coverage = json.loads(login(staff_user).get(reverse("dashboard:chart-coverage-by-area")).content)
    assert CITY_OWN_LABEL in coverage["labels"]
