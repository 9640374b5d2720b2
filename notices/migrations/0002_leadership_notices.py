"""The leadership notices (dashboard.Notice, one per leader and recount run)
become notices of kind "recount", read state and email stamp kept; the
dashboard's table is then dropped (dashboard 0004)."""

from django.db import migrations


def copy_leadership_notices(apps, schema_editor):
    Old = apps.get_model("dashboard", "Notice")
    New = apps.get_model("notices", "Notice")
    rows = Old.objects.select_related("period").order_by("pk")
    New.objects.bulk_create(
        [
            New(
                user_id=old.user_id,
                kind="recount",
                record_key=f"recount:{old.recount_run_id}",
                occasion=f"{old.period.year}H{old.period.half}",
                title=old.title,
                body=old.summary,
                url=f"/dashboard/briefing/?period={old.period.year}H{old.period.half}",
                created_at=old.created_at,
                read_at=old.read_at,
                emailed_at=old.emailed_at,
            )
            for old in rows.iterator(chunk_size=500)
        ],
        batch_size=500,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0001_initial"),
        ("dashboard", "0003_boundary_files"),
    ]

    operations = [migrations.RunPython(copy_leadership_notices, migrations.RunPython.noop)]
