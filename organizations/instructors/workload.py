"""The instructors' workload tally (organizations.InstructorLoad): written here only.

Grouping every assignment per request cost 0.45 s for a district and 1.3 s
for the city at a million assignments. The tally is what that grouping
yields, kept true by:

- every assignment write, through the signals in
  organizations/instructors/signals.py: the persons the assignment belonged
  to before and after the write are rewritten, in the same transaction;
- every change of an organisation (its registration area or supervising unit
  moves its assignments to other rows): the persons assigned to it;
- an area moved in the tree (another parent or code): the persons assigned
  to the organisations under it, whose areas now lie in other areas;
- the bulk writers: the demo seed and `seed_scale` call `rebuild_workload`,
  and `organizations_import` (the ledger import's writer) calls
  `refresh_for_organizations` for the organisations an update moves;
- the daily job (organizations.tasks.refresh_coverage), which rebuilds it,
  because "serving today" changes when an assignment's dates begin or end
  with no write at all.

A person's rows are rewritten whole (delete, then one INSERT … SELECT per
kind of row), so a rewrite never depends on what was there before and
running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.apps import apps as django_apps
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from xian_partybuild import clock

from ..models import InstructorAssignment, InstructorLoad, SocialOrganization

Person = tuple[str, str, str]  # (person_name, phone, role)

# "Serving on `on`" is coverage_state.assignment_current_on in SQL; the tests
# compare the tally with a count that uses that condition.
_ROWS = """
INSERT INTO {load} (person_name, phone, role, citywide, area_id, supervising_unit_id, serving, total)
SELECT a.person_name, a.phone, a.role, {citywide}, {area}, {unit},
       SUM(CASE WHEN a.started_on <= %s AND (a.ended_on IS NULL OR a.ended_on >= %s) THEN 1 ELSE 0 END),
       COUNT(*)
FROM {assignment} a JOIN {organization} o ON o.id = a.organization_id{join}
WHERE {where}
GROUP BY a.person_name, a.phone, a.role{group}
"""

# Each area and every area it lies in, but the city (whose rows are the
# citywide ones): a few hundred areas, paired once per statement, so that the
# assignments join it on a key instead of comparing paths per row.
_WITHIN = """
JOIN (SELECT inner_area.id AS area_id, outer_area.id AS scope_area_id
      FROM {area} inner_area JOIN {area} outer_area
        ON substr(inner_area.path, 1, length(outer_area.path)) = outer_area.path
      WHERE outer_area.parent_id IS NOT NULL) w ON w.area_id = o.area_id"""

# Kind of row → how it is written (see InstructorLoad).
_KINDS = {
    "city": {"citywide": "TRUE", "area": "NULL", "unit": "NULL", "join": "", "where": "1 = 1", "group": ""},
    "area": {
        "citywide": "FALSE",
        "area": "w.scope_area_id",
        "unit": "NULL",
        "join": _WITHIN,
        "where": "1 = 1",
        "group": ", w.scope_area_id",
    },
    "unit": {
        "citywide": "FALSE",
        "area": "NULL",
        "unit": "o.supervising_unit_id",
        "join": "",
        "where": "o.supervising_unit_id IS NOT NULL",
        "group": ", o.supervising_unit_id",
    },
}


def _table(name: str, apps=None) -> str:
    """A model's table, from a migration's historical models when called from one."""
    return (apps or django_apps).get_model("organizations", name)._meta.db_table


def _write(*, on: dt.date, where: str = "", params: Iterable = (), apps=None) -> None:
    """Every kind of row for the assignments that match `where` (SQL over `a`, the assignment)."""
    params = list(params)
    tables = {
        "load": _table("InstructorLoad", apps),
        "assignment": _table("InstructorAssignment", apps),
        "organization": _table("SocialOrganization", apps),
    }
    with connection.cursor() as cursor:
        for kind in _KINDS.values():
            condition = kind["where"] + (f" AND ({where})" if where else "")
            join = kind["join"].format(area=_table("Area", apps))
            sql = _ROWS.format(**tables, **{**kind, "join": join, "where": condition})
            cursor.execute(sql, [on, on, *params])


@transaction.atomic
def rebuild_workload(*, on: dt.date | None = None, apps=None) -> int:
    """Every person's rows, from all assignments as of `on` (today); the
    number of persons. `apps`: a migration's historical models."""
    model = (apps or django_apps).get_model("organizations", "InstructorLoad")
    model.objects.all().delete()
    _write(on=on or clock.today(), apps=apps)
    return model.objects.filter(citywide=True).count()


@transaction.atomic
def refresh_persons(persons: Iterable[Person], *, on: dt.date | None = None) -> None:
    """Rewrite the rows of these persons only."""
    persons = sorted({p for p in persons if p})  # an assignment new to the database had no person before
    if not persons:
        return
    for start in range(0, len(persons), 200):  # bounded statements however many persons a write touched
        chunk = persons[start : start + 200]
        match = Q()
        for name, phone, role in chunk:
            match |= Q(person_name=name, phone=phone, role=role)
        InstructorLoad.objects.filter(match).delete()
        where = " OR ".join(["(a.person_name = %s AND a.phone = %s AND a.role = %s)"] * len(chunk))
        _write(on=on or clock.today(), where=where, params=[value for person in chunk for value in person])


def persons_of(assignments: QuerySet[InstructorAssignment]) -> set[Person]:
    return set(assignments.values_list("person_name", "phone", "role").distinct())


def refresh_for_organizations(organizations: QuerySet[SocialOrganization]) -> None:
    """Rewrite the persons assigned to these organisations (their area or unit may have moved)."""
    refresh_persons(persons_of(InstructorAssignment.objects.filter(organization__in=organizations)))
