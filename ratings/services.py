"""Writes: the standard, rounds, evaluations and pairings.

Every change goes through one of these services: it checks the actor's scope
and role (the role through workflow.py's transition table), applies the
rating rules, writes the change and its history entry, all in one
transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import OUT_OF_SCOPE, require, restrict
from accounts.permissions import Action as Perm
from organizations.models import PartyOrganization, SocialOrganization

from . import selectors, workflow
from .defaults import DEFAULT_CRITERIA, DEFAULT_THRESHOLDS
from .models import (
    CITY_MAX_STARS,
    MAX_STARS,
    STRONG_MIN_STARS,
    WEAK_MAX_STARS,
    Criterion,
    Evaluation,
    EvaluationEvent,
    Pairing,
    Round,
    RoundItem,
    RoundThreshold,
    Score,
    StarThreshold,
)
from .workflow import Action

if TYPE_CHECKING:
    from accounts.models import User

State = Evaluation.State
Event = EvaluationEvent.Action


# --------------------------------------------------------------------------
# The standard and the rounds
# --------------------------------------------------------------------------


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
    return round_


@transaction.atomic
def round_update(*, actor: User, round_: Round, province_five_star_total: int | None, status: str) -> Round:
    require(actor, Perm.MANAGE, round_)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    round_.province_five_star_total = province_five_star_total
    if status != round_.status:
        round_.status = status
        round_.closed_at = timezone.now() if status == Round.Status.CLOSED else None
    round_.save()
    return round_


def _require_open(round_: Round) -> None:
    if round_.status != Round.Status.OPEN:
        raise ValidationError(_("The %(year)s round is closed; it accepts no changes.") % {"year": round_.year})


# --------------------------------------------------------------------------
# Evaluations
# --------------------------------------------------------------------------


def ratable_problem(party_organization: PartyOrganization) -> str | None:
    """Why this party organisation cannot be rated, or None."""
    if party_organization.status != PartyOrganization.Status.ACTIVE:
        return _("%(name)s is dissolved and cannot be rated.") % {"name": party_organization.name}
    covers_active = party_organization.organizations.filter(status=SocialOrganization.Status.ACTIVE).exists()
    if not covers_active:
        return _("Every organisation that %(name)s covers is deregistered (or it covers none); it cannot be rated.") % {
            "name": party_organization.name
        }
    return None


def _require_ratable(party_organization: PartyOrganization) -> None:
    problem = ratable_problem(party_organization)
    if problem:
        raise ValidationError(problem)


def _locked(actor: User, evaluation: Evaluation) -> Evaluation:
    """The evaluation re-read under a row lock, if the actor may see it.

    Re-reading means a decision is taken on the state as it is now, not as
    it was when the page was rendered.
    """
    locked = (
        restrict(Evaluation.objects.all(), actor)
        .select_for_update(of=("self",))
        .select_related("round", "party_organization")
        .filter(pk=evaluation.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(OUT_OF_SCOPE)
    return locked


def _record(
    evaluation: Evaluation,
    actor: User | None,
    action: str,
    from_state: str,
    *,
    note: str = "",
    changes: dict | None = None,
) -> EvaluationEvent:
    return EvaluationEvent.objects.create(
        evaluation=evaluation,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=evaluation.state,
        total=evaluation.total,
        stars=evaluation.stars,
        note=note,
        changes=changes or {},
    )


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _clean_points(items: list[RoundItem], points: Mapping[str, Any]) -> dict[str, int]:
    """Whole numbers within each item's range, for every item; errors keyed by item code."""
    errors: dict[str, str] = {}
    cleaned: dict[str, int] = {}
    for item in items:
        value = points.get(item.code)
        if value is None or value == "":
            errors[item.code] = _("Give a score for every item.")
            continue
        number = _whole_number(value)
        if number is None or not 0 <= number <= item.max_points:
            errors[item.code] = _("Enter a whole number from 0 to %(max)s.") % {"max": item.max_points}
            continue
        cleaned[item.code] = number
    unknown = set(points) - {item.code for item in items}
    if unknown:
        errors["__all__"] = _("Unknown items: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def evaluation_score(
    *,
    actor: User,
    round_: Round,
    party_organization: PartyOrganization,
    points: Mapping[str, Any],
    evidence: str | None = None,
) -> tuple[Evaluation, bool]:
    """Create the round's evaluation of a party organisation or change its scores.

    Returns the evaluation and whether anything changed (an unchanged row of
    the entry table writes nothing, not even a history entry).
    """
    require(actor, Action.EDIT, Evaluation)
    require(actor, Perm.VIEW, party_organization)
    round_ = Round.objects.get(pk=round_.pk)
    existing = (
        Evaluation.objects.select_for_update(of=("self",))
        .filter(round=round_, party_organization=party_organization)
        .first()
    )
    if existing is not None:
        workflow.authorize(actor, Action.EDIT, existing.state)
    _require_open(round_)
    _require_ratable(party_organization)

    items = list(round_.items.all())
    cleaned = _clean_points(items, points)
    total = sum(cleaned.values())
    stars = stars_for(total, round_.thresholds.values_list("stars", "min_total"))

    if existing is None:
        evaluation = Evaluation(
            round=round_,
            party_organization=party_organization,
            total=total,
            stars=stars,
            evidence=evidence or "",
        )
        try:
            # A savepoint, so that losing a race with another user's first
            # save becomes a message instead of a broken transaction.
            with transaction.atomic():
                evaluation.save()
        except IntegrityError:
            raise ValidationError(
                _("%(name)s already has an evaluation in the %(year)s round.")
                % {"name": party_organization.name, "year": round_.year}
            ) from None
        Score.objects.bulk_create(
            [
                Score(evaluation=evaluation, item=item, points=cleaned[item.code], max_points=item.max_points)
                for item in items
            ]
        )
        _record(evaluation, actor, Event.CREATED, "", changes={code: [None, p] for code, p in cleaned.items()})
        return evaluation, True

    evaluation = existing
    scores = {score.item_id: score for score in evaluation.scores.all()}
    changes: dict[str, list[int | None]] = {}
    to_update, to_create = [], []
    for item in items:
        new = cleaned[item.code]
        score = scores.get(item.pk)
        if score is None:
            to_create.append(Score(evaluation=evaluation, item=item, points=new, max_points=item.max_points))
            changes[item.code] = [None, new]
        elif score.points != new:
            changes[item.code] = [score.points, new]
            score.points = new
            to_update.append(score)
    evidence_changed = evidence is not None and evidence != evaluation.evidence
    if not changes and not evidence_changed:
        return evaluation, False
    Score.objects.bulk_update(to_update, ["points"])
    Score.objects.bulk_create(to_create)
    evaluation.total, evaluation.stars = total, stars
    if evidence is not None:
        evaluation.evidence = evidence
    evaluation.save(update_fields=["total", "stars", "evidence", "updated_at"])
    note = _("Evidence notes changed.") if evidence_changed else ""
    _record(evaluation, actor, Event.SCORED, evaluation.state, changes=changes, note=note)
    return evaluation, True


def _transition(actor: User, evaluation: Evaluation, action: str) -> tuple[Evaluation, str]:
    """Lock, check scope, role and state (the table), and the round; return the evaluation and its old state."""
    evaluation = _locked(actor, evaluation)
    transition = workflow.authorize(actor, action, evaluation.state)
    _require_open(evaluation.round)
    from_state = evaluation.state
    evaluation.state = transition.target
    return evaluation, from_state


@transaction.atomic
def evaluation_submit(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """A district or industry committee recommends (or the city enters) an evaluation."""
    evaluation, from_state = _transition(actor, evaluation, Action.SUBMIT)
    _require_ratable(evaluation.party_organization)
    if not evaluation.scores.exists():
        raise ValidationError(_("Enter the scores before submitting."))
    evaluation.save(update_fields=["state", "updated_at"])
    _record(evaluation, actor, Event.SUBMITTED, from_state)
    return evaluation


@transaction.atomic
def evaluation_return(*, actor: User, evaluation: Evaluation, reason: str) -> Evaluation:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the evaluation is returned.")})
    evaluation, from_state = _transition(actor, evaluation, Action.RETURN)
    evaluation.return_reason = reason
    evaluation.save(update_fields=["state", "return_reason", "updated_at"])
    _record(evaluation, actor, Event.RETURNED, from_state, note=reason)
    return evaluation


@transaction.atomic
def evaluation_approve(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """The city decides: one to four stars are final; four means named by the city."""
    evaluation, from_state = _transition(actor, evaluation, Action.APPROVE)
    _require_ratable(evaluation.party_organization)
    if evaluation.stars < 1:
        raise ValidationError(_("The total is below the one-star threshold; return the evaluation instead."))
    # A five-star score is approved at four: the fifth star is the province's.
    evaluation.final_stars = min(evaluation.stars, CITY_MAX_STARS)
    evaluation.save(update_fields=["state", "final_stars", "updated_at"])
    _record(evaluation, actor, Event.APPROVED, from_state)
    return evaluation


def _not_in_future(on: dt.date, field: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({field: _("This date cannot be in the future.")})


@transaction.atomic
def evaluation_send_to_province(*, actor: User, evaluation: Evaluation, on: dt.date | None = None) -> Evaluation:
    on = on or timezone.localdate()
    _not_in_future(on, "on")
    evaluation, from_state = _transition(actor, evaluation, Action.SEND_TO_PROVINCE)
    if (evaluation.final_stars or 0) < CITY_MAX_STARS:
        raise ValidationError(
            _(
                "Five stars cannot be sent to the province without the city's approval at four stars or more; "
                "the city approved %(stars)s."
            )
            % {"stars": evaluation.final_stars}
        )
    if evaluation.stars < MAX_STARS:
        raise ValidationError(
            _("The total of %(total)s reaches %(stars)s stars; only a five-star score goes to the province.")
            % {"total": evaluation.total, "stars": evaluation.stars}
        )
    evaluation.province_sent_on = on
    evaluation.save(update_fields=["state", "province_sent_on", "updated_at"])
    _record(evaluation, actor, Event.SENT, from_state)
    return evaluation


@transaction.atomic
def evaluation_certify(
    *, actor: User, evaluation: Evaluation, certified: bool, on: dt.date | None = None, note: str = ""
) -> Evaluation:
    """Record the province's result: five stars, or four stars stand."""
    on = on or timezone.localdate()
    _not_in_future(on, "on")
    action = Action.CERTIFY if certified else Action.NOT_CERTIFY
    evaluation, from_state = _transition(actor, evaluation, action)
    if evaluation.province_sent_on and on < evaluation.province_sent_on:
        raise ValidationError({"on": _("The result cannot precede the date it was sent to the province.")})
    evaluation.province_result_on = on
    evaluation.province_note = (note or "").strip()
    if certified:
        evaluation.final_stars = MAX_STARS
    evaluation.save(update_fields=["state", "final_stars", "province_result_on", "province_note", "updated_at"])
    _record(
        evaluation,
        actor,
        Event.CERTIFIED if certified else Event.NOT_CERTIFIED,
        from_state,
        note=evaluation.province_note,
    )
    return evaluation


# --------------------------------------------------------------------------
# Pairings
# --------------------------------------------------------------------------


def pairing_reason(party_organization: PartyOrganization) -> tuple[str | None, int | None]:
    """Why a party organisation may be helped (or None), and its latest final stars."""
    standing = (
        selectors.with_standing(PartyOrganization.objects.filter(pk=party_organization.pk))
        .values("latest_stars", "has_open_warning")
        .get()
    )
    stars = standing["latest_stars"]
    if stars is not None and stars <= WEAK_MAX_STARS:
        return Pairing.Reason.LOW_STARS, stars
    if stars is None:
        return Pairing.Reason.UNRATED, stars
    if standing["has_open_warning"]:
        return Pairing.Reason.WARNING, stars
    return None, stars


@transaction.atomic
def pairing_create(
    *,
    actor: User,
    partner: PartyOrganization,
    party_organization: PartyOrganization,
    started_on: dt.date,
    goals: str,
) -> Pairing:
    """Pair a party organisation of three stars or more with a weaker one (扶弱帮差)."""
    require(actor, Perm.ADD, Pairing)
    require(actor, Perm.VIEW, party_organization)
    require(actor, Perm.VIEW, partner)
    if partner.pk == party_organization.pk:
        raise ValidationError(_("A party organisation cannot be paired with itself."))
    for side in (partner, party_organization):
        if side.status != PartyOrganization.Status.ACTIVE:
            raise ValidationError(_("%(name)s is dissolved and cannot be paired.") % {"name": side.name})
    partner_stars = (
        selectors.with_standing(PartyOrganization.objects.filter(pk=partner.pk))
        .values_list("latest_stars", flat=True)
        .get()
    )
    if partner_stars is None or partner_stars < STRONG_MIN_STARS:
        raise ValidationError(
            {
                "partner": _(
                    "%(name)s cannot lead a pairing: a partner needs three stars or more in its latest approved rating "
                    "(it has %(stars)s)."
                )
                % {"name": partner.name, "stars": partner_stars if partner_stars is not None else _("none")}
            }
        )
    reason, weak_stars = pairing_reason(party_organization)
    if reason is None:
        raise ValidationError(
            {
                "party_organization": _(
                    "%(name)s has %(stars)s stars and no open early warning: only organisations with two stars or fewer, "
                    "unrated ones or ones with an open early warning are paired for help."
                )
                % {"name": party_organization.name, "stars": weak_stars}
            }
        )
    goals = (goals or "").strip()
    if not goals:
        raise ValidationError({"goals": _("Set out the goals of the pairing.")})
    if Pairing.objects.active().filter(partner=partner, party_organization=party_organization).exists():
        raise ValidationError(_("These two party organisations are already paired."))
    return Pairing.objects.create(
        partner=partner,
        party_organization=party_organization,
        partner_stars=partner_stars,
        reason=reason,
        started_on=started_on,
        goals=goals,
        created_by=actor,
    )


@transaction.atomic
def pairing_update(
    *, actor: User, pairing: Pairing, progress_notes: str, status: str, ended_on: dt.date | None = None
) -> Pairing:
    require(actor, Perm.CHANGE, Pairing)
    pairing = (
        restrict(Pairing.objects.all(), actor, Perm.CHANGE)
        .select_for_update(of=("self",))
        .filter(pk=pairing.pk)
        .first()
    )
    if pairing is None:
        raise PermissionDenied(OUT_OF_SCOPE)
    pairing.progress_notes = progress_notes or ""
    pairing.status = status
    if status == Pairing.Status.ACTIVE:
        pairing.ended_on = None
    else:
        pairing.ended_on = ended_on or timezone.localdate()
        if pairing.ended_on < pairing.started_on:
            raise ValidationError({"ended_on": _("The end date cannot precede the start date.")})
    pairing.save()
    return pairing
