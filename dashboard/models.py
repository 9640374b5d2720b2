"""Tallies: the dashboard's figures over ratings, warnings and engagement,
stored per scope so that a page reads a few rows instead of counting records.

Each tally row holds the figures of one scope: the city (`city`), the records
whose area is one area (`area`), those of one supervising unit (`unit`, "no
unit" included), and for warnings those of one area and unit (`area_unit`,
which an industry committee's chart splits by area). A user reads the rows
`for_user()` would give it: the city row citywide, the area rows under a
district, the unit row of an industry committee (TallyQuerySet.own).

The rows are kept true in the same transaction as every write to the records
(dashboard/signals.py, dashboard/tallies.py) and rebuilt from the records by
the scan, the seeds, the recount job and a nightly job, the safety net.
`scope_key` ("city", "area:12", "unit:3", "unit:-", "area:12/unit:-") names
the scope in one non-null column, so that uniqueness holds in the database
whatever is NULL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coverage.models import EarlyWarning, Period
from engagement.models import Contribution
from ratings.models import Evaluation
from xian_partybuild import clock

if TYPE_CHECKING:
    from accounts.models import User


class Scope(models.TextChoices):
    CITY = "city", _("City")
    AREA = "area", _("Area")
    UNIT = "unit", _("Supervising unit")
    AREA_UNIT = "area_unit", _("Area and supervising unit")


class TallyQuerySet(models.QuerySet):
    def own(self, user: User) -> TallyQuerySet:
        """The rows that hold exactly the records `for_user(user)` sees: the
        city row, the area rows under a district official's area, the row of
        an industry committee's supervising unit."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_citywide:
            return self.filter(scope=Scope.CITY)
        if user.role == user.Role.DISTRICT and user.area_id:
            return self.filter(scope=Scope.AREA, area__path__startswith=user.area.path)
        if user.role == user.Role.INDUSTRY and user.supervising_unit_id:
            return self.filter(scope=Scope.UNIT, supervising_unit_id=user.supervising_unit_id)
        return self.none()

    def by_area(self, user: User) -> TallyQuerySet:
        """The user's records split by area: the area rows in its scope, or for
        an industry committee its unit's area-and-unit rows."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_citywide:
            return self.filter(scope=Scope.AREA)
        if user.role == user.Role.DISTRICT and user.area_id:
            return self.filter(scope=Scope.AREA, area__path__startswith=user.area.path)
        if user.role == user.Role.INDUSTRY and user.supervising_unit_id:
            return self.filter(scope=Scope.AREA_UNIT, supervising_unit_id=user.supervising_unit_id)
        return self.none()


class Tally(models.Model):
    scope = models.CharField(max_length=16, choices=Scope.choices)
    scope_key = models.CharField(max_length=48)
    # Derived data: deleting an area or a unit takes its rows along (the
    # records themselves protect both).
    area = models.ForeignKey("organizations.Area", on_delete=models.CASCADE, null=True, related_name="+")
    supervising_unit = models.ForeignKey(
        "organizations.SupervisingUnit", on_delete=models.CASCADE, null=True, related_name="+"
    )

    objects = TallyQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.scope_key}"


def _scope_consistent(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(scope=Scope.CITY, area__isnull=True, supervising_unit__isnull=True)
        | Q(scope=Scope.AREA, area__isnull=False, supervising_unit__isnull=True)
        | Q(scope=Scope.UNIT, area__isnull=True)
        | Q(scope=Scope.AREA_UNIT, area__isnull=False),
        name=name,
    )


class RatingTally(Tally):
    """Evaluations per round, state and final stars (0: not decided)."""

    round = models.ForeignKey("ratings.Round", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=16, choices=Evaluation.State.choices)
    final_stars = models.PositiveSmallIntegerField()
    evaluations = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope_key", "round", "state", "final_stars"], name="one_rating_tally_per_scope_and_bucket"
            ),
            _scope_consistent("rating_tally_scope_consistent"),
        ]
        indexes = [models.Index(fields=["scope", "round"])]


def half_number(period: Period) -> int:
    """A half-year's number in WarningTally (year * 2 + half - 1: 2020H2 is 4041)."""
    return period.year * 2 + period.half - 1


class WarningTallyQuerySet(TallyQuerySet):
    def open_at_end(self, period: Period | None) -> WarningTallyQuerySet:
        """Rows of the warnings open at the half-year's end; for the current
        half-year (or none), those open now: the tally's reading of
        EarlyWarning.objects.open_on(period.end)."""
        if period is None or period.end >= clock.today():
            return self.filter(closed_half=0)
        number = half_number(period)
        return self.filter(Q(closed_half=0) | Q(closed_half__gt=number), opened_half__lte=number)


class WarningTally(Tally):
    """Warnings per rule, the half-year they were opened in and the one they
    were cleared in (0: still open). A half-year is numbered year * 2 + half - 1,
    so that "open at the end of half-year h" is opened <= h and (cleared = 0 or
    cleared > h): the figure of every half-year, past or current, from one table."""

    rule = models.CharField(max_length=32, choices=EarlyWarning.Rule.choices)
    opened_half = models.PositiveSmallIntegerField()
    closed_half = models.PositiveSmallIntegerField()
    warnings = models.IntegerField(default=0)

    objects = WarningTallyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope_key", "rule", "opened_half", "closed_half"],
                name="one_warning_tally_per_scope_and_bucket",
            ),
            _scope_consistent("warning_tally_scope_consistent"),
        ]
        indexes = [models.Index(fields=["scope", "area"]), models.Index(fields=["scope", "supervising_unit"])]


class ContributionTally(Tally):
    """Contributions per kind: records, sums and exemplary cases."""

    kind = models.CharField(max_length=16, choices=Contribution.Kind.choices)
    records = models.IntegerField(default=0)
    money_yuan = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    goods_value_yuan = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    people_helped = models.BigIntegerField(default=0)
    exemplary_cases = models.IntegerField(default=0)
    teams_sent = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope_key", "kind"], name="one_contribution_tally_per_scope_and_kind"),
            _scope_consistent("contribution_tally_scope_consistent"),
        ]


class EngagementTally(Tally):
    """Training bases, pilots and plaques: one row per scope."""

    training_bases = models.IntegerField(default=0)  # active ones
    provincial_points = models.IntegerField(default=0)  # active provincial on-site teaching points
    pilot_communities = models.IntegerField(default=0)
    pilot_organizations = models.IntegerField(default=0)  # an organisation serving two communities counts once
    plaques = models.IntegerField(default=0)
    agreements = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope_key"], name="one_engagement_tally_per_scope"),
            _scope_consistent("engagement_tally_scope_consistent"),
        ]


class Membership(models.Model):
    """That one owner counts once in one scope's row of a figure that counts
    owners, not records (pilot organisations, an industry committee's pilot
    communities). A row is added or removed only together with the +1 or -1
    it stands for, so refreshing an owner is idempotent: compare the rows it
    should have with those it has."""

    figure = models.CharField(max_length=32)
    owner_id = models.BigIntegerField()
    scope_key = models.CharField(max_length=48)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["figure", "owner_id", "scope_key"], name="one_membership_per_owner_and_scope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.figure} {self.owner_id} {self.scope_key}"


# The leadership pages' boundary files; imported here so that they are the app's models.
from .leadership.models import BoundaryFile  # noqa: E402, F401
