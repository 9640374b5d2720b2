"""What more than one kind of rating page needs: the round named by the URL,
loading the scoped object before a form, and service errors on score fields."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.views.generic.detail import SingleObjectMixin

from ratings import selectors
from ratings.forms import points_field_name
from ratings.models import Round
from ui.forms import add_service_errors as shared_add_service_errors


def add_service_errors(form, exc: ValidationError) -> None:
    """Scores come back keyed by item code; the form calls them points fields."""
    shared_add_service_errors(form, exc, field_for=lambda code: points_field_name_for(form, code))


def points_field_name_for(form, code: str) -> str | None:
    for item in getattr(form, "items", ()):
        if item.code == code:
            return points_field_name(item)
    return None


class RoundMixin:
    """The round named by the URL's year (404 when there is none)."""

    def get_round(self) -> Round:
        if not hasattr(self, "_round"):
            self._round = get_object_or_404(selectors.rounds_with_previous(), year=self.kwargs["year"])
        return self._round


class ObjectFormMixin(SingleObjectMixin):
    """Load the (scoped) object after the permission checks, before the form."""

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)
