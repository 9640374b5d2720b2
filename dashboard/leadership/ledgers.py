"""Ledger completeness and punctuality for the dashboard: of the ledgers the
user's scope owes for a half-year (coverage.ledgers' own list of who owes
one), how many came in and what share of those came in on time.

A handful of rows (one per district, zone and industry committee), read in
three queries whatever the number of organisations."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from coverage.ledgers.selectors import Timeliness, ledger_report_rows
from coverage.models import Ledger
from coverage.recount.links import list_path

if TYPE_CHECKING:
    from accounts.models import User
    from coverage.models import Period

# A ledger has come in while it is submitted or accepted; a returned one is owed again.
RECEIVED = (Ledger.Status.SUBMITTED, Ledger.Status.ACCEPTED)


@dataclass
class LedgerCompleteness:
    period_code: str
    expected: int
    received: int
    on_time: int

    @property
    def received_share(self) -> Decimal | None:
        return _share(self.received, self.expected)

    @property
    def on_time_share(self) -> Decimal | None:
        """Of the ledgers that came in, the share submitted by their due date."""
        return _share(self.on_time, self.received)

    def _url(self, **filters) -> str:
        query = [("period", self.period_code)]
        for name, values in filters.items():
            query += [(name, value) for value in values]
        return f"{list_path('coverage:ledger-list')}?{urlencode(query)}"

    @property
    def expected_url(self) -> str:
        return self._url()

    @property
    def received_url(self) -> str:
        return self._url(status=[str(s) for s in RECEIVED])

    @property
    def on_time_url(self) -> str:
        return self._url(status=[str(s) for s in RECEIVED], timeliness=[Timeliness.ON_TIME.value])


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def ledger_completeness(user: User, period: Period | None) -> LedgerCompleteness | None:
    if period is None:
        return None
    rows = ledger_report_rows(period=period, user=user)
    received = [row for row in rows if row.status in RECEIVED]
    return LedgerCompleteness(
        period_code=period.code,
        expected=len(rows),
        received=len(received),
        on_time=sum(1 for row in received if row.timeliness == Timeliness.ON_TIME),
    )
