"""Numbers as users read them, in templates: one rounding rule (ui.formatting)."""

from django import template

from ui.formatting import format_percent, format_wan

register = template.Library()


@register.filter
def percent(rate, decimals: int = 1) -> str:
    return format_percent(rate, decimals)


@register.filter
def wan(yuan) -> str:
    return format_wan(yuan)
