from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from ratings.models import Evaluation
from ratings.tests.factories import make_evaluation, make_round
from ui.columns import NumberColumn
from ui.formatting import format_change, format_count, format_percent, format_wan, percent_value

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("rate", "shown"),
    [
        (Decimal(17) / 80, "21.3%"),  # 21.25: half up, never truncated
        (Decimal(1) / 16, "6.3%"),  # 6.25
        (Decimal("0.2124999"), "21.2%"),
        (Decimal(1), "100.0%"),
        (0, "0.0%"),
        (None, "—"),
    ],
)
def test_one_rounding_rule_half_up(rate, shown):
    with translation.override("en"):
        assert format_percent(rate) == shown


def test_percent_value_is_what_charts_get():
    assert percent_value(Decimal(17) / 80) == Decimal("21.3")


def test_wan_groups_and_rounds_half_up():
    with translation.override("en"):
        assert format_wan(59_978_000) == "5,997.8"
        assert format_wan(1_250) == "0.1"


def test_wan_with_two_decimals_reads_as_officials_report_money():
    # The contributions table: 59978000.00 yuan is 5,997.80 万元.
    with translation.override("zh-hans"):
        assert format_wan(Decimal("59978000.00"), 2) == "5,997.80"
        assert format_wan(Decimal("12000.00"), 2) == "1.20"
        assert format_wan(None, 2) == "—"


def test_counts_group_thousands_in_the_active_locale():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert format_count(1_234_567) == "1,234,567"
            assert format_count(999) == "999"
            assert format_count(None) == "—"


def test_number_column_groups_on_the_page_and_exports_the_number():
    column = NumberColumn()
    with translation.override("zh-hans"):
        assert column.render(12_345) == "12,345"
    assert column.value(12_345) == 12_345


def test_dashboard_and_round_summary_agree_on_the_province_share(login, staff_user, recounted):
    # One certified five-star of the province's 16 is 6.25%: a truncating
    # helper showed 6.2% on one page while the other showed 6.3%.
    round_2020 = make_round(2020, province_total=16)
    make_evaluation(recounted.joint, round_2020, state=Evaluation.State.CERTIFIED, total=95)
    client = login(staff_user)
    dashboard = client.get(reverse("home")).content.decode()
    summary = client.get(reverse("ratings:round-summary", args=[2020])).content.decode()
    assert 'data-figure="province_share">6.3%<' in dashboard
    assert 'data-figure="province_share"><span class="value">6.3%<' in summary


@pytest.mark.parametrize(
    ("value", "points", "shown"),
    [(12, False, "▲12"), (-3, False, "▼3"), (0, False, "±0"), (1234, False, "▲1,234"), (None, False, "")],
)
def test_change_of_a_count(value, points, shown):
    with translation.override("en"):
        assert format_change(value, points=points) == shown


def test_change_of_a_rate_in_points_rounds_like_the_rate():
    with translation.override("en"):
        assert format_change(Decimal("0.1650"), points=True) == "▲16.5"
        assert format_change(Decimal("-0.00125"), points=True) == "▼0.1"  # 0.125 points, half up
