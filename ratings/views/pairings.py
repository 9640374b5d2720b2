"""Pairing pages (结对共建): the list, one pairing, pairing two party
organisations, and recording a pairing's progress."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import model_to_dict
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView

from accounts.mixins import PermissionRequiredMixin
from accounts.permissions import Action as Perm
from ratings import selectors, services
from ratings.filters import PairingFilter
from ratings.forms import PairingCreateForm, PairingUpdateForm
from ratings.models import Pairing
from ratings.tables import PairingTable
from ui.views import ScopedListView

from .common import ObjectFormMixin, add_service_errors


class PairingListView(ScopedListView):
    model = Pairing
    selector = staticmethod(selectors.pairing_rows)
    table_class = PairingTable
    filterset_class = PairingFilter
    export_name = "pairings"
    template_name = "ratings/evaluation_list.html"
    extra_context = {"title": _("Pairings"), "create_url": "ratings:pairing-create"}


class PairingDetailView(PermissionRequiredMixin, DetailView):
    model = Pairing
    selector = staticmethod(selectors.pairing_rows)
    template_name = "ratings/pairing_detail.html"


class PairingCreateView(PermissionRequiredMixin, FormView):
    permission_model = Pairing
    permission_action = Perm.ADD
    form_class = PairingCreateForm
    template_name = "form.html"
    extra_context = {"title": _("Pair a strong party organisation with a weaker one")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            pairing = services.pairing_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Saved."))
        return HttpResponseRedirect(pairing.get_absolute_url())


class PairingUpdateView(PermissionRequiredMixin, ObjectFormMixin, FormView):
    permission_action = Perm.CHANGE
    model = Pairing
    form_class = PairingUpdateForm
    template_name = "form.html"
    extra_context = {"title": _("Pairing progress")}

    def get_initial(self) -> dict[str, Any]:
        return model_to_dict(self.object, fields=list(self.form_class.base_fields))

    def form_valid(self, form):
        try:
            pairing = services.pairing_update(actor=self.request.user, pairing=self.object, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Saved."))
        return HttpResponseRedirect(pairing.get_absolute_url())
