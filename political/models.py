"""Political building in a social organisation (抓政治学习、政治引领): one row
per organisation, recording since when each of four indicators has held and
what shows it. An indicator without a date does not hold.

1. 党建工作要求写入章程 (入章): party building written into the charter;
2. 双向进入、交叉任职: party members in the management and management members
   on the party committee, cross-appointed when both number at least one;
3. 书记参加或列席重要会议: the secretary attends or sits in on key meetings;
4. 沟通协商制度: a consultation mechanism between the party organisation and
   the management.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organizations.models import SocialOrganization
from xian_partybuild import clock

from .querysets import PoliticalBuildingQuerySet

DATE_FIELDS = ("charter_on", "cross_appointed_on", "secretary_meetings_on", "consultation_on")


class PoliticalBuilding(models.Model):
    organization = models.OneToOneField(
        SocialOrganization,
        verbose_name=_("social organisation"),
        on_delete=models.CASCADE,
        related_name="political",
    )
    charter_on = models.DateField(_("written into the charter on"), null=True, blank=True)
    charter_evidence = models.CharField(
        _("charter evidence"), max_length=200, blank=True, help_text=_("A note or the name of the document.")
    )
    members_in_management = models.PositiveSmallIntegerField(_("party members in the management"), default=0)
    management_on_committee = models.PositiveSmallIntegerField(
        _("management members on the party committee"), default=0
    )
    cross_appointed_on = models.DateField(
        _("cross-appointed since"),
        null=True,
        blank=True,
        help_text=_("Since when both counts have been at least one."),
    )
    cross_appointment_evidence = models.CharField(_("cross-appointment evidence"), max_length=200, blank=True)
    secretary_meetings_on = models.DateField(_("secretary attends key meetings since"), null=True, blank=True)
    secretary_meetings_evidence = models.CharField(_("meetings evidence"), max_length=200, blank=True)
    consultation_on = models.DateField(_("consultation mechanism since"), null=True, blank=True)
    consultation_evidence = models.CharField(_("consultation evidence"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PoliticalBuildingQuerySet.as_manager()

    class Meta:
        verbose_name = _("political building")
        verbose_name_plural = _("political building")
        constraints = [
            # Cross-appointed exactly when both counts are at least one: a date
            # without them, or both without a date, would be counted wrongly.
            models.CheckConstraint(
                condition=(
                    Q(cross_appointed_on__isnull=False, members_in_management__gte=1, management_on_committee__gte=1)
                    | (Q(cross_appointed_on__isnull=True) & (Q(members_in_management=0) | Q(management_on_committee=0)))
                ),
                name="political_cross_appointment_dated",
                violation_error_message=_("Cross-appointed needs both counts at least one and the date since when."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)

    def get_absolute_url(self) -> str:
        return reverse("organizations:organization-detail", kwargs={"pk": self.organization_id}) + "#political"

    @property
    def cross_appointed(self) -> bool:
        return self.members_in_management >= 1 and self.management_on_committee >= 1

    def clean(self) -> None:
        errors: dict[str, object] = {}
        today = clock.today()
        for name in DATE_FIELDS:
            value = getattr(self, name)
            if value and value > today:
                errors[name] = _("This date cannot be in the future.")
        if self.cross_appointed and not self.cross_appointed_on:
            errors["cross_appointed_on"] = _("Both counts are at least one: give the date since when.")
        if self.cross_appointed_on and not self.cross_appointed:
            errors["cross_appointed_on"] = _("Cross-appointed needs both counts at least one.")
        if errors:
            raise ValidationError(errors)
