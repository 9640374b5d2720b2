"""Reads for the warning pages."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from coverage.models import EarlyWarning


def warning_rows() -> QuerySet[EarlyWarning]:
    """The warning list: every column the table shows, in one query.

    Newest first, read in order from the (opened_on, rule, id) index (for the
    open ones its partial twin), so a page costs its rows; the record's name
    is joined for those rows only."""
    return (
        EarlyWarning.objects.select_related("area", "supervising_unit", "party_organization", "organization")
        .annotate(subject_name=Coalesce("party_organization__name", "organization__name"))
        .order_by("-opened_on", "-rule", "-pk")
    )


def warnings_open_on(day: dt.date) -> QuerySet[EarlyWarning]:
    """The warning list of the warnings open at the end of `day` (the ones open now from today on)."""
    return warning_rows().open_on(day)


def warning_detail() -> QuerySet[EarlyWarning]:
    return warning_rows().select_related("rectification_updated_by", "party_organization__area", "organization__area")
