"""A record of an organisation carries a copy of its organisation's scope
(registration area, supervising unit), so that a district's or an industry
committee's list of contributions, plaques or pilot assignments filters,
counts and pages on its own table. Before, the count of a unit's
contributions joined every organisation of the unit: 391 ms at a million
organisations.

The database keeps the copies true, whatever writes (a service, the admin,
bulk_create, COPY, raw SQL, the ledger import's set-based UPDATE):

- a record takes its organisation's values when inserted, and again when its
  organisation or a copied column is updated (so a copy cannot be set to
  anything else);
- an organisation that moves to another area or unit moves its records' copies.

PostgreSQL does it with BEFORE and AFTER row triggers, SQLite with AFTER
triggers. SQLite drops a table's triggers when Django remakes the table (an
ALTER it cannot do in place): a later migration that alters one of these
tables or the organisations' table on SQLite must create them again
(install() below); engagement/tests/test_organization_scope.py fails if
they are gone.
"""

import django.db.models.deletion
from django.db import migrations, models


ORGANIZATION = "organizations_socialorganization"
# Table → the copies it holds: (column, the organisation's column).
COPIES = {
    "engagement_contribution": (("organization_area_id", "area_id"), ("organization_unit_id", "supervising_unit_id")),
    "engagement_plaqueaward": (("organization_area_id", "area_id"), ("organization_unit_id", "supervising_unit_id")),
    # A pilot's district follows its community, not the organisation: only the unit is copied.
    "engagement_pilotassignment": (("organization_unit_id", "supervising_unit_id"),),
}
MOVED = "OLD.area_id IS DISTINCT FROM NEW.area_id OR OLD.supervising_unit_id IS DISTINCT FROM NEW.supervising_unit_id"


def _postgresql() -> tuple[list[str], list[str]]:
    create, drop = [], []
    follows = []
    for table, copies in COPIES.items():
        columns = ", ".join(column for column, _ in copies)
        sources = ", ".join(f"o.{source}" for _, source in copies)
        create.append(f"""
CREATE OR REPLACE FUNCTION {table}_copy_scope() RETURNS trigger AS $$
BEGIN
    SELECT {sources} INTO {", ".join(f"NEW.{column}" for column, _ in copies)}
    FROM {ORGANIZATION} o WHERE o.id = NEW.organization_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_copy_scope
    BEFORE INSERT OR UPDATE OF organization_id, {columns} ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_copy_scope();
""")
        drop.append(
            f"DROP TRIGGER IF EXISTS {table}_copy_scope ON {table}; DROP FUNCTION IF EXISTS {table}_copy_scope();"
        )
        sets = ", ".join(f"{column} = NEW.{source}" for column, source in copies)
        follows.append(f"    UPDATE {table} SET {sets} WHERE organization_id = NEW.id;")
    create.append(f"""
CREATE OR REPLACE FUNCTION organization_scope_follows() RETURNS trigger AS $$
BEGIN
{chr(10).join(follows)}
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER organization_scope_follows
    AFTER UPDATE OF area_id, supervising_unit_id ON {ORGANIZATION}
    FOR EACH ROW WHEN ({MOVED}) EXECUTE FUNCTION organization_scope_follows();
""")
    drop.insert(
        0,
        f"DROP TRIGGER IF EXISTS organization_scope_follows ON {ORGANIZATION}; "
        "DROP FUNCTION IF EXISTS organization_scope_follows();",
    )
    return create, drop


def _sqlite() -> tuple[list[str], list[str]]:
    create, drop = [], []
    follows = []
    for table, copies in COPIES.items():
        columns = ", ".join(column for column, _ in copies)
        sets = ", ".join(
            f"{column} = (SELECT {source} FROM {ORGANIZATION} WHERE id = NEW.organization_id)"
            for column, source in copies
        )
        # Recursive triggers are off in SQLite: the UPDATE inside does not fire its own trigger again.
        create.append(
            f"CREATE TRIGGER {table}_copy_scope_insert AFTER INSERT ON {table} "
            f"BEGIN UPDATE {table} SET {sets} WHERE id = NEW.id; END;"
        )
        create.append(
            f"CREATE TRIGGER {table}_copy_scope_update AFTER UPDATE OF organization_id, {columns} ON {table} "
            f"BEGIN UPDATE {table} SET {sets} WHERE id = NEW.id; END;"
        )
        drop += [
            f"DROP TRIGGER IF EXISTS {table}_copy_scope_insert;",
            f"DROP TRIGGER IF EXISTS {table}_copy_scope_update;",
        ]
        moved = ", ".join(f"{column} = NEW.{source}" for column, source in copies)
        follows.append(f"UPDATE {table} SET {moved} WHERE organization_id = NEW.id;")
    create.append(
        f"CREATE TRIGGER organization_scope_follows AFTER UPDATE OF area_id, supervising_unit_id ON {ORGANIZATION} "
        f"WHEN {MOVED.replace('IS DISTINCT FROM', 'IS NOT')} BEGIN {' '.join(follows)} END;"
    )
    drop.append("DROP TRIGGER IF EXISTS organization_scope_follows;")
    return create, drop


def _statements(vendor: str, which: int) -> list[str]:
    if vendor == "postgresql":
        return _postgresql()[which]
    if vendor == "sqlite":
        return _sqlite()[which]
    raise NotImplementedError(f"no organisation-scope triggers for {vendor}")


def backfill(schema_editor) -> None:
    for table, copies in COPIES.items():
        sets = ", ".join(
            f"{column} = (SELECT {source} FROM {ORGANIZATION} o WHERE o.id = {table}.organization_id)"
            for column, source in copies
        )
        schema_editor.execute(f"UPDATE {table} SET {sets}", params=None)


def install(apps, schema_editor) -> None:  # noqa: ARG001 (RunPython's signature)
    backfill(schema_editor)
    for statement in _statements(schema_editor.connection.vendor, 0):
        schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor) -> None:  # noqa: ARG001
    for statement in _statements(schema_editor.connection.vendor, 1):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0002_list_indexes"),
        ("organizations", "0008_instructor_workload"),
    ]

    operations = [
        migrations.AddField(
            model_name="contribution",
            name="organization_area",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organizations.area",
            ),
        ),
        migrations.AddField(
            model_name="contribution",
            name="organization_unit",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organizations.supervisingunit",
            ),
        ),
        migrations.AddField(
            model_name="pilotassignment",
            name="organization_unit",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organizations.supervisingunit",
            ),
        ),
        migrations.AddField(
            model_name="plaqueaward",
            name="organization_area",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organizations.area",
            ),
        ),
        migrations.AddField(
            model_name="plaqueaward",
            name="organization_unit",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organizations.supervisingunit",
            ),
        ),
        migrations.RunPython(install, uninstall),
        migrations.AddIndex(
            model_name="contribution",
            index=models.Index(fields=["organization_area", "made_on", "id"], name="contribution_area_made_id"),
        ),
        migrations.AddIndex(
            model_name="contribution",
            index=models.Index(fields=["organization_unit", "made_on", "id"], name="contribution_unit_made_id"),
        ),
        migrations.AddIndex(
            model_name="pilotassignment",
            index=models.Index(fields=["organization_unit", "id"], name="assignment_unit_id"),
        ),
        migrations.AddIndex(
            model_name="plaqueaward",
            index=models.Index(fields=["organization_area", "awarded_on", "id"], name="plaque_area_awarded_id"),
        ),
        migrations.AddIndex(
            model_name="plaqueaward",
            index=models.Index(fields=["organization_unit", "awarded_on", "id"], name="plaque_unit_awarded_id"),
        ),
    ]
