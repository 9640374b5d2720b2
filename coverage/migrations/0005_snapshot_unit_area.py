from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0004_recount_run_heartbeat"),
    ]

    operations = [
        migrations.AlterField(
            model_name="snapshot",
            name="scope",
            field=models.CharField(
                choices=[
                    ("city", "City"),
                    ("area", "Area"),
                    ("unit", "Supervising unit"),
                    ("category", "Category"),
                    ("responsible", "Responsible body"),
                    ("unit_area", "Supervising unit by district"),
                ],
                max_length=16,
            ),
        ),
    ]
