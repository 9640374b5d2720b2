"""The records of what organisations do beyond their own party work:
training bases and sessions (示范培训), community governance pilots with their
plaques and pairing agreements (社区治理试点), and contributions (作用发挥).

Invariants live in database constraints; business rules in services.py;
figures in selectors.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organizations.models import Area, SocialOrganization
from xian_partybuild import clock

from .querysets import (
    ContributionQuerySet,
    PilotAssignmentQuerySet,
    PilotCommunityQuerySet,
    PlaqueAwardQuerySet,
    TrainingBaseQuerySet,
    TrainingSessionQuerySet,
)

ZERO = Decimal("0.00")


def _not_in_future(errors: dict, field: str, value) -> None:
    if value and value > clock.today():
        errors[field] = _("This date cannot be in the future.")


class TrainingBase(models.Model):
    """A party-building training base (党建实训基地)."""

    class Function(models.TextChoices):
        # 听、看、练、带、评: the five functions a base combines (五位一体).
        LISTEN = "listen", _("Listening (lectures)")
        SEE = "see", _("Seeing (site visits)")
        PRACTISE = "practise", _("Practising")
        MENTOR = "mentor", _("Mentoring")
        ASSESS = "assess", _("Assessing")

    # Function -> its boolean field, in the order 听看练带评.
    FUNCTION_FIELDS = {
        Function.LISTEN: "offers_listening",
        Function.SEE: "offers_seeing",
        Function.PRACTISE: "offers_practising",
        Function.MENTOR: "offers_mentoring",
        Function.ASSESS: "offers_assessing",
    }

    name = models.CharField(_("name"), max_length=200, unique=True)
    host_organization = models.ForeignKey(
        SocialOrganization,
        verbose_name=_("host organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_bases",
    )
    # Some bases are run by a party service centre or a community, which is
    # not a registered social organisation.
    host_name = models.CharField(
        _("host name"),
        max_length=200,
        blank=True,
        help_text=_("When the host is not a registered social organisation."),
    )
    area = models.ForeignKey(
        Area, verbose_name=_("registration area"), on_delete=models.PROTECT, related_name="training_bases"
    )
    offers_listening = models.BooleanField(_("listening"), default=False)
    offers_seeing = models.BooleanField(_("seeing"), default=False)
    offers_practising = models.BooleanField(_("practising"), default=False)
    offers_mentoring = models.BooleanField(_("mentoring"), default=False)
    offers_assessing = models.BooleanField(_("assessing"), default=False)
    is_provincial_point = models.BooleanField(_("provincial on-site teaching point"), default=False)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrainingBaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("training base")
        verbose_name_plural = _("training bases")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(host_organization__isnull=False) | ~Q(host_name=""),
                name="training_base_has_host",
                violation_error_message=_("Choose the host organisation or give the host's name."),
            ),
            models.CheckConstraint(
                condition=Q(offers_listening=True)
                | Q(offers_seeing=True)
                | Q(offers_practising=True)
                | Q(offers_mentoring=True)
                | Q(offers_assessing=True),
                name="training_base_offers_a_function",
                violation_error_message=_("A training base offers at least one of the five functions."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("engagement:base-detail", kwargs={"pk": self.pk})

    @property
    def host_label(self) -> str:
        return str(self.host_organization) if self.host_organization_id else self.host_name

    @property
    def functions(self) -> list[str]:
        return [function for function, field in self.FUNCTION_FIELDS.items() if getattr(self, field)]

    @property
    def function_labels(self) -> list[str]:
        return [str(self.Function(function).label) for function in self.functions]

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.area_id and self.area.level not in Area.REGISTRATION_LEVELS:
            errors["area"] = _("Choose the city or a district, county or development zone.")
        if not self.host_organization_id and not self.host_name.strip():
            errors["host_name"] = _("Choose the host organisation or give the host's name.")
        if not any(getattr(self, field) for field in self.FUNCTION_FIELDS.values()):
            errors["offers_listening"] = _("A training base offers at least one of the five functions.")
        if errors:
            raise ValidationError(errors)


class TrainingSession(models.Model):
    """One training held at a base, for new branch secretaries and party-affairs staff."""

    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    base = models.ForeignKey(
        TrainingBase, verbose_name=_("training base"), on_delete=models.PROTECT, related_name="sessions"
    )
    # PositiveIntegerField carries its own ">= 0" database check.
    attendees = models.PositiveIntegerField(_("attendees"))
    new_secretaries = models.PositiveIntegerField(_("new branch secretaries trained"), default=0)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on", "topic"]
        # The list, newest first: a page is a range of this index.
        indexes = [models.Index(fields=["held_on", "id"], name="session_held_id")]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_secretaries__lte=F("attendees")),
                name="new_secretaries_within_attendees",
                violation_error_message=_("New branch secretaries cannot exceed the attendees."),
            ),
            models.UniqueConstraint(fields=["base", "held_on", "topic"], name="one_session_per_base_day_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"

    def get_absolute_url(self) -> str:
        return self.base.get_absolute_url() + f"#session-{self.pk}"

    def clean(self) -> None:
        errors: dict[str, object] = {}
        _not_in_future(errors, "held_on", self.held_on)
        if self.attendees is not None and self.new_secretaries is not None and self.new_secretaries > self.attendees:
            errors["new_secretaries"] = _(
                "New branch secretaries (%(secretaries)s) cannot exceed the attendees (%(attendees)s)."
            ) % {"secretaries": self.new_secretaries, "attendees": self.attendees}
        if errors:
            raise ValidationError(errors)


# The organisation's scope, copied onto the records listed per district or
# industry committee (contributions, plaques, pilot assignments), so that a
# list filters and counts on its own table (an index range) instead of
# joining a million organisations. The database keeps the copies true on
# every write path (migration 0003's triggers, engagement/organization_scope.py).
def _copied_area() -> models.ForeignKey:
    return models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, editable=False, related_name="+", db_index=False
    )


def _copied_unit() -> models.ForeignKey:
    return models.ForeignKey(
        "organizations.SupervisingUnit",
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
        db_index=False,
    )


class PilotCommunity(models.Model):
    """A community in the governance pilot (党建引领促发展、社区治理强服务)."""

    community = models.OneToOneField(
        Area,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="pilot",
        limit_choices_to={"level": Area.Level.COMMUNITY},
    )
    selected_on = models.DateField(_("selected on"))
    plan_note = models.TextField(_("plan"), blank=True, help_text=_("The services planned for the community."))

    objects = PilotCommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("pilot community")
        verbose_name_plural = _("pilot communities")
        ordering = ["community__path"]

    def __str__(self) -> str:
        return str(self.community)

    def get_absolute_url(self) -> str:
        return reverse("engagement:pilot-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.community_id and self.community.level != Area.Level.COMMUNITY:
            errors["community"] = _("Choose a community.")
        _not_in_future(errors, "selected_on", self.selected_on)
        if errors:
            raise ValidationError(errors)


class PilotAssignment(models.Model):
    """An organisation chosen to serve a pilot community (进驻试点社区)."""

    organization = models.ForeignKey(
        SocialOrganization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="pilot_assignments"
    )
    # The organisation's unit (its district follows the community instead).
    organization_unit = _copied_unit()
    community = models.ForeignKey(
        PilotCommunity, verbose_name=_("pilot community"), on_delete=models.PROTECT, related_name="assignments"
    )
    selected_on = models.DateField(_("selected on"))
    # Stars come first in the choice (星级优先). The ratings are kept
    # elsewhere and change every round, so the level at selection is stored.
    star_level_at_selection = models.PositiveSmallIntegerField(
        _("star level at selection"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )

    objects = PilotAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("pilot organisation")
        verbose_name_plural = _("pilot organisations")
        ordering = ["community__community__path", "organization__name"]
        # A pilot community's first serving organisations (the pilot list's rows).
        indexes = [
            models.Index(fields=["community", "selected_on", "id"], name="assignment_community_first"),
            models.Index(fields=["organization_unit", "id"], name="assignment_unit_id"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organization", "community"], name="one_assignment_per_pilot_and_org"),
            models.CheckConstraint(
                condition=Q(star_level_at_selection__isnull=True)
                | Q(star_level_at_selection__gte=1, star_level_at_selection__lte=5),
                name="star_level_one_to_five",
                violation_error_message=_("The star level runs from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.community}"

    def get_absolute_url(self) -> str:
        return reverse("engagement:pilot-detail", kwargs={"pk": self.community_id})

    def clean(self) -> None:
        errors: dict[str, object] = {}
        _not_in_future(errors, "selected_on", self.selected_on)
        if self.organization_id and not self.organization.is_active:
            errors["organization"] = _("A deregistered organisation cannot serve a pilot community.")
        if errors:
            raise ValidationError(errors)


class PlaqueAward(models.Model):
    """A plaque awarded to a pilot organisation (授牌), usually with a pairing agreement (结对共建协议)."""

    organization = models.ForeignKey(
        SocialOrganization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="plaques"
    )
    organization_area = _copied_area()
    organization_unit = _copied_unit()
    awarded_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    community = models.ForeignKey(
        PilotCommunity,
        verbose_name=_("pilot community"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plaques",
    )
    agreement_signed = models.BooleanField(_("pairing agreement signed"), default=False)

    objects = PlaqueAwardQuerySet.as_manager()

    class Meta:
        verbose_name = _("plaque award")
        verbose_name_plural = _("plaque awards")
        ordering = ["-awarded_on", "organization__name"]
        # The list, newest first: a page is a range of this index.
        indexes = [
            models.Index(fields=["awarded_on", "id"], name="plaque_awarded_id"),
            # The same, within a district's or an industry committee's scope.
            models.Index(fields=["organization_area", "awarded_on", "id"], name="plaque_area_awarded_id"),
            models.Index(fields=["organization_unit", "awarded_on", "id"], name="plaque_unit_awarded_id"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organization", "awarded_on"], name="one_plaque_per_org_and_day"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.awarded_on}"

    def get_absolute_url(self) -> str:
        return reverse("engagement:plaque-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors: dict[str, object] = {}
        _not_in_future(errors, "awarded_on", self.awarded_on)
        if (
            self.community_id
            and self.organization_id
            and not PilotAssignment.objects.filter(
                organization_id=self.organization_id, community_id=self.community_id
            ).exists()
        ):
            # The agreement pairs the organisation with the community it serves.
            errors["community"] = _("This organisation does not serve that pilot community.")
        if errors:
            raise ValidationError(errors)


class Contribution(models.Model):
    """What an organisation gave or did (作用发挥)."""

    class Kind(models.TextChoices):
        POVERTY = "poverty", _("Poverty alleviation and rural revitalisation")
        EPIDEMIC = "epidemic", _("Epidemic control")

    organization = models.ForeignKey(
        SocialOrganization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="contributions"
    )
    organization_area = _copied_area()
    organization_unit = _copied_unit()
    made_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    money_yuan = models.DecimalField(
        _("money (yuan)"), max_digits=14, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    goods_value_yuan = models.DecimalField(
        _("value of goods (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text=_("Priced goods only."),
    )
    people_helped = models.PositiveIntegerField(_("people helped"), default=0)
    is_exemplary_case = models.BooleanField(_("exemplary case"), default=False)
    teams_sent = models.PositiveSmallIntegerField(
        _("teams sent"), default=0, help_text=_("For example medical teams sent to Hubei.")
    )
    description = models.TextField(_("description"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-made_on", "organization__name"]
        indexes = [
            models.Index(fields=["kind", "made_on"]),
            # The list, newest first: a page is a range of this index.
            models.Index(fields=["made_on", "id"], name="contribution_made_id"),
            # The same, within a district's or an industry committee's scope.
            models.Index(fields=["organization_area", "made_on", "id"], name="contribution_area_made_id"),
            models.Index(fields=["organization_unit", "made_on", "id"], name="contribution_unit_made_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(money_yuan__gte=0),
                name="contribution_money_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(goods_value_yuan__gte=0),
                name="contribution_goods_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(money_yuan__gt=0)
                | Q(goods_value_yuan__gt=0)
                | Q(people_helped__gt=0)
                | Q(teams_sent__gt=0)
                | Q(is_exemplary_case=True),
                name="contribution_records_something",
                violation_error_message=_("Record money, goods, people helped, teams sent or an exemplary case."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_kind_display()} · {self.made_on}"

    def get_absolute_url(self) -> str:
        return reverse("engagement:contribution-detail", kwargs={"pk": self.pk})

    @property
    def total_yuan(self) -> Decimal:
        return (self.money_yuan or ZERO) + (self.goods_value_yuan or ZERO)

    def clean(self) -> None:
        errors: dict[str, object] = {}
        _not_in_future(errors, "made_on", self.made_on)
        if errors:
            raise ValidationError(errors)
