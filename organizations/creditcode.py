"""The unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters: registering department (1), kind (1), administrative division
(6), organisation code (9), check character (1). The check character is what
catches a mistyped code, so forms, imports and the model all validate it here.
"""

from __future__ import annotations

import random
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_SHAPE = re.compile(rf"^[{ALPHABET}]{{18}}$")

# What the first two characters say the registrant is; used to warn when the
# code contradicts the category the user recorded.
KIND_PREFIXES = {
    "51": "social_group",
    "52": "social_service",
    "53": "foundation",
    "31": "law_firm",
    "91": "accounting_firm",
}

XIAN_DIVISION_CODES = frozenset(
    {
        "610100",
        "610102",
        "610103",
        "610104",
        "610111",
        "610112",
        "610113",
        "610114",
        "610115",
        "610116",
        "610117",
        "610118",
        "610122",
        "610124",
    }
)


def check_character(first17: str) -> str:
    total = sum(VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Raise ValidationError with a message that says what is wrong."""
    if not isinstance(value, str) or len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)s."),
            code="length",
            params={"n": len(value) if isinstance(value, str) else 0},
        )
    if value != value.upper():
        raise ValidationError(_("Use capital letters in the unified social credit code."), code="lowercase")
    if not _SHAPE.match(value):
        bad = sorted({ch for ch in value if ch not in VALUES})
        raise ValidationError(
            _("The unified social credit code may not contain %(chars)s (I, O, Z, S and V are never used)."),
            code="characters",
            params={"chars": "、".join(bad)},
        )
    expected = check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _(
                "The check character of this unified social credit code is wrong: the last character should be "
                "%(expected)s. Please check the code for a typing error."
            ),
            code="check",
            params={"expected": expected},
        )


def code_warnings(code: str, category: str) -> list[str]:
    """Soft problems worth telling the person who enters the code."""
    warnings: list[str] = []
    if len(code) != 18:
        return warnings
    kind = KIND_PREFIXES.get(code[:2])
    if kind is not None and kind != category:
        warnings.append(
            _g("The code begins with %(prefix)s, which does not match the recorded category.") % {"prefix": code[:2]}
        )
    if code[2:8] not in XIAN_DIVISION_CODES:
        warnings.append(
            _g("The division code %(division)s in the credit code lies outside Xi'an.") % {"division": code[2:8]}
        )
    return warnings


def make_credit_code(prefix: str, division: str, rng: random.Random) -> str:
    """A valid code for demo data and tests: prefix (2) + division (6) + random org code."""
    body = prefix + division + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + check_character(body)
