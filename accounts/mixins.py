"""The view side of the permission rule: a view declares the action it
performs; the mixin answers 403 when the user's role may never take it and
404 when the record lies outside the rows the action may be taken on."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import models

from .permissions import Action, remember, require, restrict


class PermissionRequiredMixin(LoginRequiredMixin):
    """Scope and action for a class-based view, applied once.

    `permission_action` names the action (view, add, change, review…).
    `selector` may name a callable returning the annotated base queryset
    instead of `model`'s default manager. Views that act on a model without
    loading one record (a create form, a recount button) name it in
    `permission_model`.
    """

    permission_action: str = Action.VIEW
    permission_model: type[models.Model] | None = None
    selector = None

    def get_permission_action(self) -> str:
        return self.permission_action

    def get_permission_model(self) -> type[models.Model] | None:
        return self.permission_model or getattr(self, "model", None)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        model = self.get_permission_model()
        if model is not None:
            require(request.user, self.get_permission_action(), model)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        queryset = self.selector() if self.selector is not None else super().get_queryset()
        return restrict(queryset, self.request.user, self.get_permission_action())

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        # Read through the action's scope: the page's own buttons need no second query.
        remember(self.request.user, obj, self.get_permission_action())
        return obj
