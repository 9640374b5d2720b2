"""The organisation's scope copied onto its contributions, plaques and pilot
assignments (engagement migration 0003 says why and installs the triggers
that keep the copies true).

For writers that turn triggers off for speed (organizations/scale/writer.py,
on PostgreSQL): which triggers those are, and the set-based UPDATE that does
their work for the rows a chunk wrote.
"""

from __future__ import annotations

ORGANIZATION_TABLE = "organizations_socialorganization"

# Table → the copies it holds: (column, the organisation's column). As in the migration.
COPIES: dict[str, tuple[tuple[str, str], ...]] = {
    "engagement_contribution": (("organization_area_id", "area_id"), ("organization_unit_id", "supervising_unit_id")),
    "engagement_plaqueaward": (("organization_area_id", "area_id"), ("organization_unit_id", "supervising_unit_id")),
    "engagement_pilotassignment": (("organization_unit_id", "supervising_unit_id"),),
}

# The PostgreSQL triggers that keep them (pg_trigger.tgname).
TRIGGERS = frozenset({"organization_scope_follows", *(f"{table}_copy_scope" for table in COPIES)})


def fill(cursor, table: str, after_id: int) -> None:
    """Copy the organisation's values onto `table`'s rows with an id above
    `after_id`, as the insert trigger would have (PostgreSQL)."""
    sets = ", ".join(f"{column} = o.{source}" for column, source in COPIES[table])
    cursor.execute(
        f"UPDATE {table} c SET {sets} FROM {ORGANIZATION_TABLE} o WHERE o.id = c.organization_id AND c.id > %s",
        [after_id],
    )
