"""Who hears about a record: the officials whose scope contains it.

A district official's scope is its area's subtree and an industry
committee's its supervising unit (accounts.scoping.ScopedQuerySet.for_user);
the officials of a record are therefore those of the record's area or any
of its ancestors, and those of its unit. Area paths are materialised
("/610100/610103/"), so "ancestor of" is a prefix test and the recipients
are one query. City-wide users see every record and are told of none of
them one by one: their view is the dashboard and the briefing.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from organizations.models import Area


def scope_officials(*, area_id: int | None, unit_id: int | None) -> QuerySet[User]:
    """The active officials whose scope holds a record of that area and unit (one query)."""
    q = Q(pk__in=[])
    if area_id:
        holds = Exists(Area.objects.filter(pk=area_id, path__startswith=OuterRef("area__path")))
        q |= Q(holds, role=User.Role.DISTRICT)
    if unit_id:
        q |= Q(role=User.Role.INDUSTRY, supervising_unit_id=unit_id)
    return User.objects.filter(q, is_active=True)


class ScopeIndex:
    """Every active official once, matched to many records in memory: the
    recipients of a batch (a scan's new warnings, the daily job's due
    records) for two queries whatever the batch's size."""

    def __init__(self, area_ids: set[int]) -> None:
        officials = list(
            User.objects.filter(
                Q(role=User.Role.DISTRICT, area__isnull=False)
                | Q(role=User.Role.INDUSTRY, supervising_unit__isnull=False),
                is_active=True,
            ).select_related("area")
        )
        self.districts = [user for user in officials if user.role == User.Role.DISTRICT]
        self.units: dict[int, list[User]] = {}
        for user in officials:
            if user.role == User.Role.INDUSTRY:
                self.units.setdefault(user.supervising_unit_id, []).append(user)
        self.paths = dict(Area.objects.filter(pk__in=area_ids).values_list("pk", "path")) if area_ids else {}

    def officials(self, *, area_id: int | None, unit_id: int | None) -> list[User]:
        path = self.paths.get(area_id, "") if area_id else ""
        found = [user for user in self.districts if path and path.startswith(user.area.path)]
        return found + (self.units.get(unit_id, []) if unit_id else [])
