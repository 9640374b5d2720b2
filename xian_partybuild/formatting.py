from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format


def format_percent(rate, decimals: int = 1) -> str:
    """A rate (0..1) as a percentage in the active locale's number format."""
    if rate in (None, ""):
        return "—"
    # number_format truncates; round first so 42.86 reads 42.9, not 42.8.
    value = (Decimal(rate) * 100).quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)
    return f"{number_format(value, decimal_pos=int(decimals))}%"


def format_wan(yuan, decimals: int = 1) -> str:
    """Yuan as 万元 (ten thousands), the unit Chinese reports use: 59,978,000 → 5,997.8."""
    if yuan in (None, ""):
        return "—"
    value = (Decimal(yuan) / 10000).quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)
    return number_format(value, decimal_pos=int(decimals), force_grouping=True)
