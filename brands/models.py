"""Party-building brands (党建品牌): "a batch of party-building brands that are
known, spread and influential" (叫得响、推得开、有影响), each carried by one
party organisation and recognised at a level in a year.

Invariants live in database constraints; the three-star rule lives in
services.py, because it reads the ratings and holds when a brand is named,
not for ever after (a brand recognised stays when its organisation's stars
later drop).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet
from organizations.models import PartyOrganization
from xian_partybuild import clock

# Party-building brands were first named in the 2000s; no earlier year is a typo we let through.
FIRST_YEAR = 2000
# The database's own bound: the clock's year (the form's bound) cannot be a CHECK.
LAST_YEAR_CHECK = 2100


class BrandQuerySet(ScopedQuerySet):
    # A brand belongs to whoever answers for its party organisation.
    area_lookup = "party_organization__area"
    unit_lookup = "party_organization__supervising_unit"


class Brand(models.Model):
    """A party-building brand (党建品牌) recognised for one party organisation."""

    class Level(models.TextChoices):
        # In rising order: a brand is recognised by the district first and may
        # later be recognised again by the city or the province.
        DISTRICT = "district", _("District level")
        CITY = "city", _("City level")
        PROVINCE = "province", _("Provincial level")

    party_organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("party organisation"),
        on_delete=models.PROTECT,
        related_name="brands",
    )
    name = models.CharField(_("brand name"), max_length=100)
    description = models.TextField(_("brand description"), max_length=2000)
    year = models.PositiveSmallIntegerField(_("year recognised"))
    level = models.CharField(_("recognition level"), max_length=10, choices=Level.choices)
    promotion = models.CharField(
        _("how it is spread"),
        max_length=200,
        blank=True,
        help_text=_("For example: a city press feature, an on-site meeting, a WeChat account."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = BrandQuerySet.as_manager()

    class Meta:
        verbose_name = _("party-building brand")
        verbose_name_plural = _("party-building brands")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["level", "year"], name="brand_level_year")]
        constraints = [
            models.UniqueConstraint(
                fields=["party_organization", "name"],
                name="brand_name_unique_per_party_organization",
                violation_error_message=_("This party organisation already has a brand of that name."),
            ),
            # 一支部一品牌: a department recognises an organisation's brand once
            # at each level; a brand recognised again higher up is edited (its
            # level and year raised), not entered twice.
            models.UniqueConstraint(
                fields=["party_organization", "level"],
                name="one_brand_per_party_organization_and_level",
                violation_error_message=_("This party organisation already has a brand recognised at this level."),
            ),
            models.CheckConstraint(
                condition=Q(level__in=["district", "city", "province"]),
                name="brand_level_known",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR_CHECK),
                name="brand_year_in_range",
                violation_error_message=_("The year recognised runs from 2000 to this year."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("brands:brand-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors: dict[str, object] = {}
        this_year = clock.today().year
        if self.year is not None and not FIRST_YEAR <= self.year <= this_year:
            errors["year"] = _("The year recognised runs from %(first)s to %(last)s.") % {
                "first": FIRST_YEAR,
                "last": this_year,
            }
        if errors:
            raise ValidationError(errors)
