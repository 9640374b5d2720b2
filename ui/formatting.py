"""Numbers as users read them. Tiles, tables and chart JSON all round here,
half up, so a chart never disagrees with the figure beside it."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format


def _rounded(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)


def percent_value(rate, decimals: int = 1) -> Decimal:
    """A rate (0..1) as a rounded percentage: 0.4286 → 42.9."""
    return _rounded(Decimal(rate) * 100, decimals)


def wan_value(yuan, decimals: int = 1) -> Decimal:
    """Yuan as 万元 (ten thousands), the unit Chinese reports use: 59,978,000 → 5,997.8."""
    return _rounded(Decimal(yuan) / 10000, decimals)


def format_count(value) -> str:
    """A count with thousands grouped in the active locale: 12345 → 12,345."""
    if value in (None, ""):
        return "—"
    return number_format(value, force_grouping=True)


def format_percent(rate, decimals: int = 1) -> str:
    """A rate (0..1) as a percentage in the active locale's number format."""
    if rate in (None, ""):
        return "—"
    # number_format truncates; the value is rounded first so 42.86 reads 42.9.
    return f"{number_format(percent_value(rate, decimals), decimal_pos=int(decimals))}%"


def format_wan(yuan, decimals: int = 1) -> str:
    """Yuan as 万元, grouped and rounded half up: 59978000 → 5,997.8 (decimals=2: 5,997.80)."""
    if yuan in (None, ""):
        return "—"
    return number_format(wan_value(yuan, decimals), decimal_pos=int(decimals), force_grouping=True)


def format_change(value, *, points: bool = False, decimals: int = 1) -> str:
    """A change since the previous half-year: ▲12, ▼3, ±0; with `points`, a
    rate's change in percentage points (0.165 → ▲16.5), rounded like the rate."""
    if value is None:
        return ""
    number = percent_value(value, decimals) if points else Decimal(value)
    shown = number_format(abs(number), decimal_pos=int(decimals) if points else None, force_grouping=True)
    if number > 0:
        return f"▲{shown}"
    if number < 0:
        return f"▼{shown}"
    return "±0"
