"""Leadership figures placed on the dashboard by an include, so the
dashboard's view needs no knowledge of them."""

from django import template

from dashboard.leadership.ledgers import ledger_completeness

register = template.Library()


@register.simple_tag(takes_context=True)
def ledger_figure(context):
    """The scope's ledger completeness for the half-year the page shows."""
    return ledger_completeness(context["request"].user, context.get("period"))
