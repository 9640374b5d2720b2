"""Leadership figures placed on the dashboard by an include, so the
dashboard's view needs no knowledge of them."""

from django import template

from coverage.ledgers.selectors import Timeliness
from coverage.models import Ledger
from dashboard.leadership.league import RATES
from dashboard.leadership.ledgers import ledger_completeness
from ui.formatting import format_change

register = template.Library()


@register.simple_tag(takes_context=True)
def ledger_figure(context):
    """The scope's ledger completeness for the half-year the page shows."""
    return ledger_completeness(context["request"].user, context.get("period"))


@register.filter
def league_change(row, figure: str) -> str:
    """A league row's change since the previous half-year: ▲1.2 (rates in points), ▼3, ±0."""
    return format_change(row.change(figure), points=figure in RATES)


@register.filter
def ledger_label(row) -> str:
    """A league row's ledger: its state, and whether it came in on time."""
    status = Ledger.Status(row.ledger_status).label
    if row.ledger is not None and row.ledger.submitted_at:
        return f"{status} · {Timeliness(row.ledger_timeliness).label}"
    return str(status)
