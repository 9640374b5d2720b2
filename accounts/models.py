from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with one scope: a district, an industry, or the whole city."""

    class Role(models.TextChoices):
        DISTRICT = "district", _("District official")
        INDUSTRY = "industry", _("Industry committee staff")
        STAFF = "staff", _("Organisation department staff")
        LEADER = "leader", _("Leadership")
        # 三员分立 (等保2.0): three administrators, none of whom reads the records
        # or another's work. The system administrator manages users and settings
        # (in the admin), the security administrator unlocks accounts and manages
        # roles and permissions, the auditor reads and exports the audit log and
        # does nothing else (accounts.permissions).
        SYSTEM_ADMIN = "sysadmin", _("System administrator")
        SECURITY_ADMIN = "secadmin", _("Security administrator")
        AUDITOR = "auditor", _("Auditor")

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, blank=True)
    area = models.ForeignKey(
        "organizations.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        help_text=_("The district, county or development zone a district official answers for."),
    )
    supervising_unit = models.ForeignKey(
        "organizations.SupervisingUnit",
        verbose_name=_("supervising unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_staff",
        help_text=_("The supervising unit whose industry committee this user works for."),
    )
    # Set at each login and copied into that session: a session whose copy differs was
    # ended by a later login elsewhere (accounts/sessions.py).
    live_session_token = models.CharField(max_length=32, blank=True, editable=False)
    # Stamped by set_password, whoever sets it: the password expires
    # PASSWORD_MAX_AGE_DAYS later (accounts/password_expiry.py). Empty for an
    # account whose password was never set through Django (no expiry known).
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True, editable=False)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_(
            "Set when an administrator sets or resets the password: the user must choose their own before "
            "anything else. Cleared when they do."
        ),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="district") | Q(area__isnull=False),
                name="district_official_has_area",
            ),
            models.CheckConstraint(
                condition=~Q(role="industry") | Q(supervising_unit__isnull=False),
                name="industry_staff_has_unit",
            ),
        ]

    def set_password(self, raw_password):
        super().set_password(raw_password)
        # Real time, not the application clock (xian_partybuild/clock.py): the
        # demo pins its day to 2020, but a password ages on the wall clock.
        self.password_changed_at = timezone.now()

    @property
    def is_citywide(self) -> bool:
        return self.is_superuser or self.role in (self.Role.STAFF, self.Role.LEADER)

    @property
    def scope_label(self) -> str:
        if self.role == self.Role.DISTRICT and self.area_id:
            return str(self.area)
        if self.role == self.Role.INDUSTRY and self.supervising_unit_id:
            return str(self.supervising_unit)
        if self.is_citywide:
            return str(_("Xi'an (city-wide)"))
        return str(_("no scope"))


class LoginFailure(models.Model):
    """One refused login: counted by name and by address for the lock-out (accounts/lockout.py).

    Rows older than the cool-off no longer count; an unlock deletes the rows of one name.
    """

    username = models.CharField(_("username"), max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True, db_index=True)
    attempted_at = models.DateTimeField(_("attempted at"), db_index=True)

    class Meta:
        verbose_name = _("login failure")
        verbose_name_plural = _("login failures")
        ordering = ["-attempted_at"]

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip_address}"


class PasswordHistory(models.Model):
    """A hash of a password a user once had, so the validator can refuse reusing one (accounts/passwords.py)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("password"), max_length=128)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("former password")
        verbose_name_plural = _("former passwords")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.created_at:%Y-%m-%d %H:%M}"
