"""Half-year periods (2020H2 = 1 July to 31 December 2020)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_CODE = re.compile(r"^(\d{4})H([12])$")


@dataclass(frozen=True, order=True)
class HalfYear:
    year: int
    half: int

    @classmethod
    def parse(cls, code: str) -> HalfYear:
        match = _CODE.match(code.strip().upper())
        if not match:
            raise ValueError(f"not a half-year code like 2020H2: {code!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: dt.date) -> HalfYear:
        return cls(day.year, 1 if day.month <= 6 else 2)

    @classmethod
    def last_ended(cls, today: dt.date) -> HalfYear:
        """The most recent half-year whose last day is before today."""
        return cls.containing(today).previous()

    @property
    def code(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    def previous(self) -> HalfYear:
        return HalfYear(self.year, 1) if self.half == 2 else HalfYear(self.year - 1, 2)

    def next(self) -> HalfYear:
        return HalfYear(self.year, 2) if self.half == 1 else HalfYear(self.year + 1, 1)

    def __str__(self) -> str:
        return self.code


def half_year_or_none(code: str | None) -> HalfYear | None:
    """The half-year a `?period=` names; None when it names none (the page is then as of today)."""
    if not code:
        return None
    try:
        return HalfYear.parse(code)
    except ValueError:
        return None
