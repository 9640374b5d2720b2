from django import template

from xian_partybuild.formatting import format_percent

register = template.Library()


@register.filter
def percent(rate, decimals: int = 1) -> str:
    return format_percent(rate, decimals)
