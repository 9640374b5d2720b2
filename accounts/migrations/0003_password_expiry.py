import django.utils.timezone
from django.db import migrations, models


def start_the_clock(apps, schema_editor):
    # Existing passwords' age is unknown: they start ageing now rather than all expiring at once.
    User = apps.get_model("accounts", "User")
    User.objects.exclude(password="").exclude(password__startswith="!").update(
        password_changed_at=django.utils.timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_lockout_single_session_password_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="password_changed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="password changed at"),
        ),
        migrations.AddField(
            model_name="user",
            name="must_change_password",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Set when an administrator sets or resets the password: the user must choose their own before "
                    "anything else. Cleared when they do."
                ),
                verbose_name="must change password",
            ),
        ),
        migrations.RunPython(start_the_clock, migrations.RunPython.noop),
    ]
