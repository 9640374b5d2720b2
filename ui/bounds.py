"""What a plausible value is, in one place, for every form and the ledger
import (issue 13, bounded input): numbers within the domain and far inside
the database's integer range, dates between the People's Republic's founding
and ten years ahead, text with something visible in it and no control
characters, phone numbers made of digits.

Each bound is a validator raising a Chinese message (through gettext) with
a code, so a form shows it on its field and the import in its cell."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xian_partybuild import clock

# Head counts, members, attendees, people helped: a million is beyond any
# one organisation or event in a province, and far below 2^31 - 1.
COUNT_MAX = 1_000_000
# Money and priced goods: a single contribution of a thousand million yuan is not plausible.
MONEY_MAX = Decimal("1000000000")
# No social or party organisation on record predates the People's Republic.
EARLIEST_DATE = dt.date(1949, 10, 1)
# Term ends, plans and due dates lie ahead, but not by more than this.
YEARS_AHEAD = 10

# Control characters (Cc) other than tab and line breaks; a NUL byte is also
# refused by PostgreSQL in text, where it would be a 500.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What shows nothing: spaces of every kind, zero-width and other format characters.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"}
# Digits with the separators people write: 029-87654321, 138 0000 0000, +86 (29) 8765 4321, ext. 8021 as 转8021.
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,18}(转[0-9]{1,6})?$")


def strip_controls(text: str) -> str:
    """A search term with its control characters removed: a search tolerates any input."""
    return _CONTROL.sub("", text)


def latest_date() -> dt.date:
    return clock.today() + dt.timedelta(days=YEARS_AHEAD * 365)


def validate_count(value: int | None) -> None:
    if value is not None and value > COUNT_MAX:
        raise ValidationError(_("Give at most %(limit)s."), code="number_too_large", params={"limit": f"{COUNT_MAX:,}"})


def validate_money(value: Decimal | None) -> None:
    if value is not None and value > MONEY_MAX:
        raise ValidationError(
            _("Give at most %(limit)s yuan."), code="amount_too_large", params={"limit": f"{MONEY_MAX:,.0f}"}
        )


def validate_date(value: dt.date | None) -> None:
    if value is None:
        return
    if value < EARLIEST_DATE:
        raise ValidationError(
            _("Give a date on or after %(date)s."), code="date_too_early", params={"date": EARLIEST_DATE.isoformat()}
        )
    if value > latest_date():
        raise ValidationError(
            _("Give a date on or before %(date)s."), code="date_too_late", params={"date": latest_date().isoformat()}
        )


def validate_text(value: str | None) -> None:
    """Something visible, and no control characters (tab and line breaks allowed)."""
    if not value:
        return
    if _CONTROL.search(value):
        raise ValidationError(_("Remove the invisible control characters."), code="control_characters")
    if all(unicodedata.category(ch) in _INVISIBLE_CATEGORIES or ch.isspace() for ch in value):
        raise ValidationError(_("Write something visible; blank characters alone are not a value."), code="invisible")


def validate_phone(value: str | None) -> None:
    if value and not _PHONE.match(value.strip()):
        raise ValidationError(
            _("Give a phone number of digits, such as 029-87654321 or 13800000000."), code="bad_phone"
        )
