"""Numbers as users read them, in templates: one rounding rule (ui.formatting)."""

from django import template

from ui.formatting import format_change, format_percent, format_wan

register = template.Library()


@register.filter
def percent(rate, decimals: int = 1) -> str:
    return format_percent(rate, decimals)


@register.filter
def wan(yuan, decimals: int = 1) -> str:
    """Yuan as 万元: {{ total|wan }} → 5,997.8; {{ total|wan:2 }} → 5,997.80."""
    return format_wan(yuan, decimals)


@register.filter
def change(value) -> str:
    """A count's change since the previous half-year: ▲12 / ▼3 / ±0."""
    return format_change(value)


@register.filter
def change_points(rate_change) -> str:
    """A rate's change in percentage points: ▲16.5."""
    return format_change(rate_change, points=True)
