"""The four political-building indicators (抓政治学习、政治引领), as conditions
any query can ask: the recount counts them, the organisation list filters by
them, the change lists compare them. Nothing here imports a model, so the
organisations and coverage apps can ask without depending on this app's models.

An indicator holds on a day when the date it became true is on or before
that day: a half-year's figure counts it when its date is on or before the
half-year's last day.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The reverse name from a social organisation to its row (PoliticalBuilding).
RELATED = "political"

# indicator -> (date field on PoliticalBuilding, its label, its rate's label)
INDICATORS: dict[str, tuple[str, object, object]] = {
    "charter": ("charter_on", _("Party building in the charter"), _("Charter rate")),
    "cross_appointed": ("cross_appointed_on", _("Cross-appointed"), _("Cross-appointment rate")),
    "secretary_meetings": ("secretary_meetings_on", _("Secretary attends key meetings"), _("Secretary meetings rate")),
    "consultation": ("consultation_on", _("Consultation mechanism"), _("Consultation rate")),
}
RATES = {name: f"{name}_rate" for name in INDICATORS}


def holds(indicator: str, on: dt.date, prefix: str = "") -> Q:
    """The organisations (reached through `prefix`) whose indicator holds on `on`."""
    field = INDICATORS[indicator][0]
    return Q(**{f"{prefix}{RELATED}__{field}__lte": on})


def conditions(on: dt.date, prefix: str = "") -> dict[str, Q]:
    return {name: holds(name, on, prefix) for name in INDICATORS}
