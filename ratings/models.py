"""Star rating (评星晋级): the standard, rounds, evaluations, their history,
and pairings (结对共建).

The standardised-branch standard (标准化规范化) is data: `Criterion` and
`StarThreshold` are what administrators edit. A `Round` copies them into
`RoundItem` and `RoundThreshold` when it is created, and every evaluation of
the round is scored against that copy, so editing the standard later never
changes a past result.

Invariants live in database constraints; who may do what lives in
workflow.py; business rules live in the services (services/).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .querysets import EvaluationEventQuerySet, EvaluationQuerySet, PairingQuerySet

MAX_STARS = 5
# The city names four-star organisations; five stars are the province's to give.
CITY_MAX_STARS = 4
# A pairing's stronger side needs at least this many final stars; the weaker
# side at most WEAK_MAX_STARS (or none, or an open early warning).
STRONG_MIN_STARS = 3
WEAK_MAX_STARS = 2


class Criterion(models.Model):
    """One item of the standard, with its maximum points (administrators edit these)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("what is assessed"), blank=True)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Items not in use are not copied into new rounds.")
    )

    class Meta:
        verbose_name = _("standard item")
        verbose_name_plural = _("standard items")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.max_points})"


class StarThreshold(models.Model):
    """The lowest total that earns a number of stars (administrators edit these)."""

    stars = models.PositiveSmallIntegerField(_("stars"), unique=True)
    min_total = models.PositiveSmallIntegerField(_("minimum total"))

    class Meta:
        verbose_name = _("star threshold")
        verbose_name_plural = _("star thresholds")
        ordering = ["stars"]
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1) & Q(stars__lte=MAX_STARS), name="threshold_stars_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ ≥ {self.min_total}"

    def clean(self) -> None:
        # More stars must need a higher total, or the bands overlap.
        others = StarThreshold.objects.exclude(pk=self.pk)
        lower = others.filter(stars__lt=self.stars, min_total__gte=self.min_total).first()
        higher = others.filter(stars__gt=self.stars, min_total__lte=self.min_total).first()
        if lower or higher:
            raise ValidationError({"min_total": _("Each star needs a higher minimum total than the star below it.")})


class Round(models.Model):
    """One year's rating (e.g. 2020), open for entry or closed."""

    class Status(models.TextChoices):
        # Not plain "Open": that msgid already means an uncleared early warning.
        OPEN = "open", _("Open for entry")
        CLOSED = "closed", _("Closed to changes")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    province_five_star_total = models.PositiveIntegerField(
        _("five-star organisations in the province"),
        null=True,
        blank=True,
        help_text=_("All five-star social-organisation party organisations certified in Shaanxi this round."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating round")
        verbose_name_plural = _("rating rounds")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_at__isnull=True))
                | (Q(status="closed") & Q(closed_at__isnull=False)),
                name="closed_round_has_date",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    def get_absolute_url(self) -> str:
        return reverse("ratings:round-summary", kwargs={"year": self.year})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class RoundItem(models.Model):
    """A standard item as it stood when the round was created (frozen)."""

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("round item")
        verbose_name_plural = _("round items")
        ordering = ["round", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="one_item_code_per_round"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="round_item_max_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.max_points})"


class RoundThreshold(models.Model):
    """A star threshold as it stood when the round was created (frozen)."""

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="thresholds")
    stars = models.PositiveSmallIntegerField(_("stars"))
    min_total = models.PositiveSmallIntegerField(_("minimum total"))

    class Meta:
        verbose_name = _("round star threshold")
        verbose_name_plural = _("round star thresholds")
        ordering = ["round", "stars"]
        constraints = [
            models.UniqueConstraint(fields=["round", "stars"], name="one_threshold_per_star_per_round"),
            models.CheckConstraint(
                condition=Q(stars__gte=1) & Q(stars__lte=MAX_STARS), name="round_threshold_stars_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.stars}★ ≥ {self.min_total}"


class Evaluation(models.Model):
    """One party organisation's rating in one round."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved by the city")
        SENT = "sent", _("Sent to the province")
        CERTIFIED = "certified", _("Certified five-star")
        NOT_CERTIFIED = "not_certified", _("Not certified by the province")

    # States in which the city has decided and final_stars is set.
    FINAL_STATES = (State.APPROVED, State.SENT, State.CERTIFIED, State.NOT_CERTIFIED)
    PROVINCE_STATES = (State.SENT, State.CERTIFIED, State.NOT_CERTIFIED)

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="evaluations")
    party_organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("party organisation"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    # Computed by the service from the scores and the round's frozen
    # thresholds; stored so that lists, filters and summaries are plain SQL.
    total = models.PositiveSmallIntegerField(_("total"), default=0)
    stars = models.PositiveSmallIntegerField(_("stars by score"), default=0)
    final_stars = models.PositiveSmallIntegerField(_("final stars"), null=True, blank=True)
    evidence = models.TextField(_("evidence notes"), blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    province_sent_on = models.DateField(_("sent to the province on"), null=True, blank=True)
    province_result_on = models.DateField(_("provincial result on"), null=True, blank=True)
    province_note = models.TextField(_("provincial result notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-round__year", "party_organization__name", "pk"]
        indexes = [
            models.Index(fields=["round", "state"]),
            models.Index(fields=["round", "final_stars"]),
            # The movers (ratings.selectors.movement_condition) compare two
            # rounds' final stars per party organisation: from this index
            # alone, a round's side of the join is read without its rows.
            models.Index(fields=["round", "party_organization", "final_stars"], name="evaluation_round_party_stars"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "party_organization"],
                name="one_evaluation_per_party_organization_per_round",
                violation_error_message=_("This party organisation already has an evaluation in this round."),
            ),
            models.CheckConstraint(condition=Q(stars__lte=MAX_STARS), name="evaluation_stars_0_to_5"),
            models.CheckConstraint(
                # isnull=False is spelt out: a CHECK passes when it is NULL, and
                # "NULL >= 1" is NULL, not false.
                condition=(
                    Q(state__in=["approved", "sent", "certified", "not_certified"])
                    & Q(final_stars__isnull=False)
                    & Q(final_stars__gte=1)
                    & Q(final_stars__lte=MAX_STARS)
                )
                | (~Q(state__in=["approved", "sent", "certified", "not_certified"]) & Q(final_stars__isnull=True)),
                name="final_stars_only_when_decided",
            ),
            # The city names at most four stars; only the province gives five.
            models.CheckConstraint(
                condition=Q(final_stars__isnull=True) | Q(final_stars__lte=CITY_MAX_STARS) | Q(state="certified"),
                name="five_final_stars_only_when_certified",
            ),
            models.CheckConstraint(
                condition=~Q(state="certified") | (Q(final_stars=MAX_STARS) & Q(province_result_on__isnull=False)),
                name="certified_is_five_stars_with_date",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["sent", "certified", "not_certified"]) | Q(province_sent_on__isnull=False),
                name="province_states_have_sent_date",
            ),
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(return_reason=""), name="returned_evaluation_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.party_organization}"

    def get_absolute_url(self) -> str:
        return reverse("ratings:evaluation-detail", kwargs={"pk": self.pk})

    @property
    def is_final(self) -> bool:
        return self.state in self.FINAL_STATES


class Score(models.Model):
    """The points of one round item in one evaluation."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(RoundItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="scores")
    points = models.PositiveSmallIntegerField(_("points"))
    # The item's maximum, copied from the frozen round item: a CHECK cannot
    # look into another table, so the bound travels with the row and the
    # database itself refuses a score above it.
    max_points = models.PositiveSmallIntegerField(_("maximum points"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["item__sort_order", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "item"], name="one_score_per_item"),
            models.CheckConstraint(condition=Q(points__lte=F("max_points")), name="score_within_item_maximum"),
        ]

    def __str__(self) -> str:
        return f"{self.item.name}: {self.points}/{self.max_points}"


class EvaluationEvent(models.Model):
    """One change of scores or state, with who made it and when (written by the services)."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        SCORED = "scored", _("Scores changed")
        SUBMITTED = "submit", _("Submitted")
        RETURNED = "return", _("Returned")
        APPROVED = "approve", _("Approved")
        SENT = "send_to_province", _("Sent to the province")
        CERTIFIED = "certify", _("Certified by the province")
        NOT_CERTIFIED = "not_certify", _("Not certified by the province")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_state = models.CharField(_("from"), max_length=16, choices=Evaluation.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=Evaluation.State.choices)
    total = models.PositiveSmallIntegerField(_("total"))
    stars = models.PositiveSmallIntegerField(_("stars by score"))
    # {item code: [before, after]} for score changes.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = EvaluationEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation history entry")
        verbose_name_plural = _("evaluation history")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["evaluation", "at"])]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"


class Pairing(models.Model):
    """结对共建: a party organisation of three stars or more helps a weaker one."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        COMPLETED = "completed", _("Completed")
        ENDED = "ended", _("Ended early")

    class Reason(models.TextChoices):
        LOW_STARS = "low_stars", _("Two stars or fewer")
        UNRATED = "unrated", _("Not yet rated")
        WARNING = "warning", _("Open early warning")

    # The weaker side is `party_organization` so that scope follows the
    # organisation being helped, like an evaluation's.
    party_organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("party organisation helped"),
        on_delete=models.PROTECT,
        related_name="pairings_received",
    )
    partner = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("partner (three stars or more)"),
        on_delete=models.PROTECT,
        related_name="pairings_given",
    )
    # The standing that justified the pairing when it was made.
    partner_stars = models.PositiveSmallIntegerField(_("partner's stars at pairing"))
    reason = models.CharField(_("why it needs help"), max_length=16, choices=Reason.choices)
    started_on = models.DateField(_("start date"))
    goals = models.TextField(_("goals"))
    progress_notes = models.TextField(_("progress notes"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-started_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(partner=F("party_organization")), name="pairing_not_with_itself"),
            models.CheckConstraint(
                condition=Q(partner_stars__gte=STRONG_MIN_STARS), name="pairing_partner_three_stars"
            ),
            models.UniqueConstraint(
                fields=["partner", "party_organization"],
                condition=Q(status="active"),
                name="one_active_pairing_per_couple",
                violation_error_message=_("These two party organisations are already paired."),
            ),
            models.CheckConstraint(
                condition=(Q(status="active") & Q(ended_on__isnull=True))
                | (~Q(status="active") & Q(ended_on__isnull=False)),
                name="ended_pairing_has_date",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="pairing_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} → {self.party_organization}"

    def get_absolute_url(self) -> str:
        return reverse("ratings:pairing-detail", kwargs={"pk": self.pk})
