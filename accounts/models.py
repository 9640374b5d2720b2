from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with one scope: a district, an industry, or the whole city."""

    class Role(models.TextChoices):
        DISTRICT = "district", _("District official")
        INDUSTRY = "industry", _("Industry committee staff")
        STAFF = "staff", _("Organisation department staff")
        LEADER = "leader", _("Leadership")

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
