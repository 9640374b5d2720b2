"""四社联动 in the pilot communities: what residents need (需求清单), what
social organisations can offer (服务清单), the projects that match one with
the other (项目清单), and the community organisations incubated there
(培育孵化).

Invariants live in database constraints; the rule that a project's
organisation serves the need's community lives in services.py; figures in
selectors.py.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from engagement.models import PilotCommunity
from organizations.models import SocialOrganization
from xian_partybuild import clock

from .querysets import IncubatedOrganizationQuerySet, NeedQuerySet, ProjectQuerySet, ServiceItemQuerySet

# A service item serves at most this many people a year: more is a typing slip.
CAPACITY_MAX = 100_000


def _not_in_future(errors: dict, field: str, value) -> None:
    if value and value > clock.today():
        errors[field] = _("This date cannot be in the future.")


class Category(models.TextChoices):
    """What a need is about, and what a service item offers: the same list, so
    that unmet needs and the offers that could meet them line up."""

    ELDERLY = "elderly", _("Elderly care")
    DISABILITY = "disability", _("Disability support")
    CHILDREN = "children", _("Children and youth")
    EMPLOYMENT = "employment", _("Employment")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    LEGAL_AID = "legal_aid", _("Legal aid")
    ENVIRONMENT = "environment", _("Environment")
    CULTURE_SPORT = "culture_sport", _("Culture and sport")
    OTHER = "other", _("Other")


def _in_choices(field: str, choices) -> Q:
    return Q(**{f"{field}__in": [value for value, _label in choices]})


class NeedSource(models.TextChoices):
    SURVEY = "survey", _("Survey")
    HOME_VISIT = "home_visit", _("Home visit")
    COUNCIL = "council", _("Residents' council")
    GRID = "grid", _("Grid worker's report")
    OTHER = "other", _("Other")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


class IncubationStatus(models.TextChoices):
    INCUBATING = "incubating", _("Incubating")
    REGISTERED = "registered", _("Registered")


class Need(models.Model):
    """A need residents of a pilot community have (需求清单)."""

    Source = NeedSource

    community = models.ForeignKey(
        PilotCommunity, verbose_name=_("pilot community"), on_delete=models.PROTECT, related_name="needs"
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    description = models.TextField(_("description"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    recorded_on = models.DateField(_("recorded on"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-recorded_on", "-id"]
        indexes = [models.Index(fields=["community", "category"], name="need_community_category")]
        constraints = [
            models.CheckConstraint(condition=_in_choices("category", Category.choices), name="need_category_known"),
            models.CheckConstraint(condition=_in_choices("source", NeedSource.choices), name="need_source_known"),
        ]

    def __str__(self) -> str:
        return f"{self.community} · {self.get_category_display()} · {self.description[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("community:need-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors: dict[str, object] = {}
        _not_in_future(errors, "recorded_on", self.recorded_on)
        if errors:
            raise ValidationError(errors)


class ServiceItem(models.Model):
    """A service a social organisation can provide (服务清单)."""

    organization = models.ForeignKey(
        SocialOrganization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="service_items"
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    description = models.TextField(_("description"))
    capacity = models.PositiveIntegerField(
        _("capacity (people a year)"), validators=[MinValueValidator(1), MaxValueValidator(CAPACITY_MAX)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["organization__name", "category", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_in_choices("category", Category.choices), name="service_item_category_known"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=CAPACITY_MAX),
                name="service_item_capacity_bounded",
                violation_error_message=_("The capacity runs from 1 to 100,000 people a year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_category_display()} · {self.description[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("community:service-detail", kwargs={"pk": self.pk})


class Project(models.Model):
    """A need met by a service item (项目清单): one organisation's service in one community."""

    Status = ProjectStatus

    # A need is met by a project running or completed.
    MEETING = (Status.RUNNING, Status.COMPLETED)

    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="projects")
    service_item = models.ForeignKey(
        ServiceItem, verbose_name=_("service item"), on_delete=models.PROTECT, related_name="projects"
    )
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    people_served = models.PositiveIntegerField(_("people served"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["need", "status"], name="project_need_status")]
        constraints = [
            models.UniqueConstraint(fields=["need", "service_item"], name="one_project_per_need_and_item"),
            models.CheckConstraint(condition=_in_choices("status", ProjectStatus.choices), name="project_status_known"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="project_ends_after_start",
                violation_error_message=_("A project cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(ends_on__isnull=False),
                name="completed_project_has_end",
                violation_error_message=_("A completed project has an end date."),
            ),
            models.CheckConstraint(
                condition=~Q(status="planned") | Q(people_served=0),
                name="planned_project_served_nobody",
                violation_error_message=_("A planned project has served nobody yet."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:pilot-page", kwargs={"pk": self.need.community_id}) + f"#project-{self.pk}"

    @property
    def meets_need(self) -> bool:
        return self.status in self.MEETING

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("A project cannot end before it starts.")
        if self.status == self.Status.COMPLETED and not self.ends_on:
            errors["ends_on"] = _("A completed project has an end date.")
        if self.status == self.Status.PLANNED and self.people_served:
            errors["people_served"] = _("A planned project has served nobody yet.")
        if errors:
            raise ValidationError(errors)


class IncubatedOrganization(models.Model):
    """A community social organisation incubated in a pilot community (培育孵化)."""

    Status = IncubationStatus

    community = models.ForeignKey(
        PilotCommunity, verbose_name=_("pilot community"), on_delete=models.PROTECT, related_name="incubated"
    )
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.INCUBATING)
    started_on = models.DateField(_("incubation started"))
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    organization = models.OneToOneField(
        SocialOrganization,
        verbose_name=_("registered as"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incubated_as",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = IncubatedOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("incubated organisation")
        verbose_name_plural = _("incubated organisations")
        ordering = ["community__community__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="one_incubated_name_per_community"),
            models.CheckConstraint(
                condition=_in_choices("status", IncubationStatus.choices), name="incubated_status_known"
            ),
            models.CheckConstraint(
                condition=(Q(status="registered") & Q(registered_on__isnull=False))
                | (Q(status="incubating") & Q(registered_on__isnull=True) & Q(organization__isnull=True)),
                name="registered_iff_registered_on",
                violation_error_message=_(
                    "A registered organisation has its registration date; one still incubating has neither "
                    "a registration date nor a registered organisation."
                ),
            ),
            models.CheckConstraint(
                condition=Q(registered_on__isnull=True) | Q(registered_on__gte=F("started_on")),
                name="registered_after_incubation",
                violation_error_message=_("Registration cannot come before the incubation started."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:pilot-page", kwargs={"pk": self.community_id}) + f"#incubated-{self.pk}"

    def clean(self) -> None:
        errors: dict[str, object] = {}
        _not_in_future(errors, "started_on", self.started_on)
        _not_in_future(errors, "registered_on", self.registered_on)
        if self.status == self.Status.REGISTERED and not self.registered_on:
            errors["registered_on"] = _("Give the date it was registered.")
        if self.status == self.Status.INCUBATING:
            if self.registered_on:
                errors["registered_on"] = _("An organisation still incubating has no registration date.")
            if self.organization_id:
                errors["organization"] = _("An organisation still incubating is not yet a registered one.")
        if self.started_on and self.registered_on and self.registered_on < self.started_on:
            errors.setdefault("registered_on", _("Registration cannot come before the incubation started."))
        if errors:
            raise ValidationError(errors)
