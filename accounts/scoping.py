"""Who may see which records: the one place where scope is decided.

Every scoped model's queryset inherits ScopedQuerySet and names the lookups
that lead to an area and to a supervising unit; `for_user()` does the rest.
Which of those rows an action may touch is permissions.py's rule; views apply
both once through accounts.mixins.PermissionRequiredMixin, so tables,
filters, exports, forms and chart endpoints cannot forget them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

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
