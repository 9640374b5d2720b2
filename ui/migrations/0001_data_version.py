import uuid

from django.db import migrations, models


def first_token(apps, schema_editor):
    apps.get_model("ui", "DataVersion").objects.using(schema_editor.connection.alias).create(
        id=1, token=uuid.uuid4().hex
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32, verbose_name="token")),
            ],
            options={
                "verbose_name": "data version",
                "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="dataversion_single_row")],
            },
        ),
        migrations.RunPython(first_token, migrations.RunPython.noop),
    ]
