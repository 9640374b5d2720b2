"""Table columns shared by every app's tables."""

from __future__ import annotations

import django_tables2 as tables
from django.db import models

from .formatting import format_count, format_percent


class NumberColumn(tables.Column):
    """A count, right-aligned, thousands grouped on the page; exports keep
    the number itself so a spreadsheet can compute with it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_count(value)

    def value(self, value):
        return value


class PercentColumn(NumberColumn):
    """A rate (0..1) shown as a percentage with the one rounding rule;
    exports keep the rate itself so a spreadsheet can compute with it."""

    def render(self, value):
        return format_percent(value)

    def value(self, value):
        return None if value is None else float(value)


class ChoiceColumn(tables.Column):
    """A stored choice shown (and exported) by its label, read from the
    constants' own TextChoices so that no label dictionary is kept apart."""

    def __init__(self, choices: type[models.TextChoices], *args, **kwargs):
        self.choices = choices
        super().__init__(*args, **kwargs)

    def render(self, value):
        return self.choices(value).label

    def value(self, value):
        return str(self.choices(value).label) if value not in (None, "") else ""
