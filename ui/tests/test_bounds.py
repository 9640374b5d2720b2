"""The plausibility bounds shared by every form and the ledger import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from ui import bounds


@pytest.mark.parametrize("value", [0, 1, bounds.COUNT_MAX, None])
def test_counts_up_to_the_limit_pass(value):
    bounds.validate_count(value)


def test_a_count_beyond_the_limit_is_refused_in_chinese():
    with pytest.raises(ValidationError) as refused, translation.override("zh-hans"):
        bounds.validate_count(bounds.COUNT_MAX + 1)
    assert refused.value.code == "number_too_large"
    with translation.override("zh-hans"):
        assert refused.value.messages == ["请填写不超过 1,000,000 的数。"]


def test_ten_billion_yuan_is_refused():
    bounds.validate_money(Decimal("59978000.00"))
    with pytest.raises(ValidationError, match="1,000,000,000"):
        bounds.validate_money(Decimal("10000000000"))


@override_settings(CLOCK_TODAY="2020-12-31")
@pytest.mark.parametrize(
    "value,code",
    [
        (dt.date(1, 1, 1), "date_too_early"),
        (dt.date(1949, 9, 30), "date_too_early"),
        (dt.date(2031, 1, 1), "date_too_late"),
        (dt.date(9999, 12, 31), "date_too_late"),
    ],
)
def test_implausible_dates_are_refused(value, code):
    with pytest.raises(ValidationError) as refused:
        bounds.validate_date(value)
    assert refused.value.code == code


@override_settings(CLOCK_TODAY="2020-12-31")
@pytest.mark.parametrize("value", [dt.date(1949, 10, 1), dt.date(2020, 12, 31), dt.date(2025, 12, 31)])
def test_plausible_dates_pass(value):
    bounds.validate_date(value)


@pytest.mark.parametrize("value", ["\u200b", "\u3000 \u200d", "\u00a0\ufeff", " \t "])
def test_text_of_invisible_characters_alone_is_refused(value):
    with pytest.raises(ValidationError) as refused:
        bounds.validate_text(value)
    assert refused.value.code == "invisible"


@pytest.mark.parametrize("value", ["A\x00B", "名称\x07", "\x1b[31m"])
def test_control_characters_are_refused(value):
    with pytest.raises(ValidationError) as refused:
        bounds.validate_text(value)
    assert refused.value.code == "control_characters"


@pytest.mark.parametrize("value", ["碑林区律师协会", "第一行\n第二行\t制表", "A", "<b>x</b>"])
def test_ordinary_text_passes(value):
    bounds.validate_text(value)


@pytest.mark.parametrize("value", ["029-87654321", "13800000000", "+86 (29) 8765 4321", "029-87654321转8021"])
def test_phone_numbers_pass(value):
    bounds.validate_phone(value)


@pytest.mark.parametrize("value", ["<b>😀</b>", "call me", "12", "029-8765-4321-1234-5678-90"])
def test_what_is_no_phone_number_is_refused(value):
    with pytest.raises(ValidationError):
        bounds.validate_phone(value)


def test_search_terms_lose_their_control_characters():
    assert bounds.strip_controls("碑\x00林\x1f区\n") == "碑林区\n"
