"""The standard and the rounds: the default criteria, stars for a total, and
opening, editing and freezing a round's copy of the standard."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Action as Perm
from accounts.permissions import require
from audit import recording as audit
from ratings.defaults import DEFAULT_CRITERIA, DEFAULT_THRESHOLDS
from ratings.models import MAX_STARS, Criterion, Round, RoundItem, RoundThreshold, StarThreshold
from xian_partybuild import clock

if TYPE_CHECKING:
    from accounts.models import User


def criteria_ensure_defaults() -> int:
    """Create the default standard where none exists; returns the rows created.

    The data migration does the same on a fresh database; this covers a
    database flushed since (tests, a reset demo).
    """
    created = 0
    if not Criterion.objects.exists():
        created += len(
            Criterion.objects.bulk_create(
                [
                    Criterion(code=code, name=name, max_points=points, description=description, sort_order=order)
                    for order, (code, name, points, description) in enumerate(DEFAULT_CRITERIA, start=1)
                ]
            )
        )
    if not StarThreshold.objects.exists():
        created += len(
            StarThreshold.objects.bulk_create(
                [StarThreshold(stars=stars, min_total=total) for stars, total in DEFAULT_THRESHOLDS.items()]
            )
        )
    return created


def stars_for(total: int, thresholds: Iterable[tuple[int, int]]) -> int:
    """The most stars whose minimum total is reached; 0 below the one-star threshold."""
    reached = [stars for stars, min_total in thresholds if total >= min_total]
    return max(reached, default=0)


def _validate_standard(items: list[tuple[str, int]], thresholds: dict[int, int]) -> None:
    if not items:
        raise ValidationError(_("The standard has no items in use; add them in the administration first."))
    if sorted(thresholds) != list(range(1, MAX_STARS + 1)):
        raise ValidationError(_("The standard needs one threshold for each of 1 to 5 stars."))
    minima = [thresholds[stars] for stars in range(1, MAX_STARS + 1)]
    if any(lower >= higher for lower, higher in zip(minima, minima[1:], strict=False)):
        raise ValidationError(_("Each star needs a higher minimum total than the star below it."))
    maximum = sum(points for _code, points in items)
    if thresholds[MAX_STARS] > maximum:
        raise ValidationError(
            _("The five-star threshold (%(threshold)s) is above the most points the items allow (%(maximum)s).")
            % {"threshold": thresholds[MAX_STARS], "maximum": maximum}
        )


def round_freeze_criteria(*, round_: Round) -> None:
    """Copy the standard as it stands now into the round (once: a frozen round keeps its copy)."""
    if round_.items.exists():
        return
    criteria_ensure_defaults()
    criteria = list(Criterion.objects.filter(is_active=True))
    thresholds = dict(StarThreshold.objects.values_list("stars", "min_total"))
    _validate_standard([(c.code, c.max_points) for c in criteria], thresholds)
    RoundItem.objects.bulk_create(
        [
            RoundItem(round=round_, code=c.code, name=c.name, max_points=c.max_points, sort_order=c.sort_order)
            for c in criteria
        ]
    )
    RoundThreshold.objects.bulk_create(
        [RoundThreshold(round=round_, stars=stars, min_total=total) for stars, total in sorted(thresholds.items())]
    )


@transaction.atomic
def round_create(*, actor: User | None, year: int, province_five_star_total: int | None = None) -> Round:
    """Open a round for a year, freezing the standard as it stands today. `actor` None is the demo seed."""
    if actor is not None:
        require(actor, Perm.ADD, Round)
    if Round.objects.filter(year=year).exists():
        raise ValidationError({"year": _("A round for %(year)s already exists.") % {"year": year}})
    round_ = Round.objects.create(year=year, province_five_star_total=province_five_star_total)
    round_freeze_criteria(round_=round_)
    if actor is not None:
        audit.record_write(actor=actor, instance=round_, before=None)
    return round_


@transaction.atomic
def round_update(*, actor: User, round_: Round, province_five_star_total: int | None, status: str) -> Round:
    require(actor, Perm.MANAGE, round_)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    before = audit.field_values(round_, ("province_five_star_total", "status", "closed_at"))
    round_.province_five_star_total = province_five_star_total
    if status != round_.status:
        round_.status = status
        round_.closed_at = clock.now() if status == Round.Status.CLOSED else None
    round_.save()
    audit.record_write(actor=actor, instance=round_, before=before)
    return round_
