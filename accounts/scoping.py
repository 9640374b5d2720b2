"""Who may see which records: the one place where scope is decided.

Every scoped model's queryset inherits ScopedQuerySet and names the lookups
that lead to an area and to a supervising unit; `for_user()` does the rest.
Views apply it once through ScopedQuerysetMixin, so tables, filters, exports,
forms and chart endpoints cannot forget it (NetBox's `restrict()` pattern).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from accounts.models import User


class ScopedQuerySet(models.QuerySet):
    # Lookup from this model to organizations.Area ("" means the model is Area).
    area_lookup: str | None = None
    # Lookup from this model to organizations.SupervisingUnit ("" means itself).
    unit_lookup: str | None = None

    def for_user(self, user: User) -> ScopedQuerySet:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_citywide:
            return self.all()
        if user.role == user.Role.DISTRICT and user.area_id and self.area_lookup is not None:
            prefix = f"{self.area_lookup}__" if self.area_lookup else ""
            return self.filter(**{f"{prefix}path__startswith": user.area.path})
        if user.role == user.Role.INDUSTRY and user.supervising_unit_id and self.unit_lookup is not None:
            key = f"{self.unit_lookup}_id" if self.unit_lookup else "pk"
            return self.filter(**{key: user.supervising_unit_id})
        return self.none()


def require_editor(actor: User) -> None:
    """Services call this first: leadership and users without a role read only."""
    if not actor.can_edit_records:
        raise PermissionDenied(_("You may read these records but not change them."))


def require_in_scope(actor: User, instance: models.Model) -> None:
    """Services call this after the write, inside their transaction: whatever
    the form offered, a record that ends up outside the actor's scope rolls back."""
    if not type(instance).objects.for_user(actor).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("This record lies outside your area of responsibility."))


class ScopedQuerysetMixin(LoginRequiredMixin):
    """Limit a class-based view's queryset to what the user may see.

    A record outside the scope is simply not in the queryset, so detail and
    edit views answer 404, never a page. A view may name a `selector` (a
    callable returning the annotated base queryset) instead of `model`'s
    default manager.
    """

    selector = None
    # Write views of records that are shared across scopes may name a
    # stricter queryset method (e.g. "writable_for").
    scope_method = "for_user"

    def get_queryset(self):
        queryset = self.selector() if self.selector is not None else super().get_queryset()
        return getattr(queryset, self.scope_method)(self.request.user)


class EditorRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Leadership and users without a role read only: 403 for them."""

    def test_func(self) -> bool:
        return self.request.user.can_edit_records


class CityStaffRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """The organisation department only: recounts, ledger acceptance, rating approval."""

    def test_func(self) -> bool:
        return self.request.user.is_city_staff
