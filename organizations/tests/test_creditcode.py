import random

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from organizations.creditcode import (
    ALPHABET,
    check_character,
    code_warnings,
    make_credit_code,
    validate_credit_code,
)

# The worked example commonly cited with GB 32100-2015; its check character
# 3 is confirmed by hand in test_check_character_matches_the_standard_formula.
KNOWN_VALID = ["91350100M000100Y43"]


def test_known_valid_codes_pass():
    for code in KNOWN_VALID:
        validate_credit_code(code)


@pytest.mark.parametrize("prefix", ["51", "52", "53", "31", "91"])
def test_generated_codes_pass_and_carry_their_prefix(prefix):
    rng = random.Random(1)
    for _ in range(200):
        code = make_credit_code(prefix, "610103", rng)
        validate_credit_code(code)
        assert code[:2] == prefix and code[2:8] == "610103"


def test_check_character_matches_the_standard_formula():
    body = "91350100M000100Y4"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, weights, strict=True))
    assert check_character(body) == ALPHABET[(31 - total % 31) % 31] == "3"


def _error_code(value):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(value)
    return exc.value.code, str(exc.value.messages[0])


def test_every_single_character_substitution_is_caught():
    code = KNOWN_VALID[0]
    for i in range(17):
        for ch in ALPHABET:
            if ch == code[i]:
                continue
            bad = code[:i] + ch + code[i + 1 :]
            assert _error_code(bad)[0] == "check"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("", "length"),
        ("91350100m000100y43", "lowercase"),
        ("91350100M000100I43", "characters"),  # I is not used
        ("91350100M000100O43", "characters"),
        ("91350100M000100Z43", "characters"),
        ("91350100M000100S43", "characters"),
        ("91350100M000100V43", "characters"),
        ("91350100M000100Y42", "check"),
    ],
)
def test_bad_codes_are_rejected_with_a_reason(value, code):
    assert _error_code(value)[0] == code


def test_messages_are_in_chinese_by_default():
    _code, message = _error_code("91350100M000100Y42")
    assert "校验码" in message and "3" in message


def test_code_warnings_flag_category_and_division():
    rng = random.Random(3)
    law = make_credit_code("31", "610103", rng)
    assert code_warnings(law, "law_firm") == []
    assert len(code_warnings(law, "social_group")) == 1
    outside = make_credit_code("51", "110105", rng)
    assert len(code_warnings(outside, "social_group")) == 1


def test_the_soft_warnings_read_in_chinese():
    with translation.override("zh-hans"):
        warnings = code_warnings("51999999MJX12345X0", "foundation")
    assert warnings == ["代码以 51 开头，与登记的组织类别不符。", "信用代码中的行政区划码 999999 不在西安市范围内。"]
