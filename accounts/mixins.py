"""The view side of the permission rule: a view declares the action it
performs, and the mixin applies `accounts.permissions` once.

- A record the user may not see answers 404, whatever the action, so a
  hand-typed URL tells nothing about another district's records.
- A record the user sees but whose action their role may not take (in its
  present state) answers 403 with the reason.
- A record outside the rows the action may be taken on (the partner's side
  of a pairing) answers 404, like a record not seen.
- A view without a record (a list, a create form, a recount button) answers
  403 when the user's role may never take its action on its model.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.views.generic.detail import SingleObjectMixin

from .permissions import Action, remember, require, restrict, role_allows, rule_for


class PermissionRequiredMixin(LoginRequiredMixin):
    """Scope and action for a class-based view.

    `permission_action` names the action (view, add, change, review…).
    `selector` may name a callable returning the annotated base queryset
    instead of `model`'s default manager. Views that act on a model without
    loading one record name it in `permission_model` (or `model`).
    """

    permission_action: str = Action.VIEW
    permission_model: type[models.Model] | None = None
    selector = None
    # A selector that prefetches related rows scoped like the rows themselves
    # (a community's serving organisations) is handed the user too.
    selector_takes_user = False

    def get_permission_action(self) -> str:
        return self.permission_action

    def get_permission_model(self) -> type[models.Model] | None:
        return self.permission_model or getattr(self, "model", None)

    @property
    def loads_object(self) -> bool:
        # A create view is a SingleObjectMixin too, but names no record in its URL.
        return isinstance(self, SingleObjectMixin) and bool({self.pk_url_kwarg, self.slug_url_kwarg} & set(self.kwargs))

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        model = self.get_permission_model()
        if model is not None and not self.loads_object:
            require(request.user, self.get_permission_action(), model)
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        if self.selector is None:
            return super().get_queryset()
        return self.selector(user=self.request.user) if self.selector_takes_user else self.selector()

    def get_queryset(self):
        queryset = self.get_base_queryset()
        action = self.get_permission_action()
        if self.loads_object and not role_allows(self.request.user, action, queryset.model):
            # Seen or not seen decides 404 first; get_object then refuses with 403.
            action = Action.VIEW
        return restrict(queryset, self.request.user, action)

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        action = self.get_permission_action()
        # The role, in any state: a move the record's state does not allow is
        # the service's to explain (ValidationError), not a refusal.
        if not role_allows(self.request.user, action, type(obj)):
            raise PermissionDenied(rule_for(obj, action).refusal)
        # Read through the action's scope: the page's own buttons need no second query.
        remember(self.request.user, obj, action)
        return obj
